/** The stack's KMS keys: alias, purpose, spec, rotation, deletion window and key policy. */
import { CUSTOMER_ENCRYPTION_CONTEXT_KEY, keyAlias, platformKeyAlias } from '../../../config/naming';
import { keyOf, referenceOf, stripHash, templateText } from '../../naming';
import type { CfnPolicyStatement, CfnValue, TemplateView } from '../../template';
import type { KeyFacts, KeyPolicyStatementFacts, KeyPurpose, PolicyCondition } from './types';

export function keyFacts(view: TemplateView, brand: string | undefined): KeyFacts[] {
  return view.ofType('AWS::KMS::Key').map(([id, key]) => {
    const props = key.Properties ?? {};
    const ref = keyOf(view, { Ref: id });
    const policy = (props.KeyPolicy?.Statement ?? []).map(statementFacts);
    return {
      logicalId: id,
      key: ref,
      purpose: purposeOf(ref.kind === 'stack' ? ref.alias : undefined, brand),
      keySpec: props.KeySpec ?? 'SYMMETRIC_DEFAULT',
      rotation: props.EnableKeyRotation === true,
      pendingWindowDays: props.PendingWindowInDays ?? 30,
      policy,
      administrators: administratorsOf(policy),
    };
  });
}

/** The account principal, as {@link KeyFacts.administrators} names it. */
export const ACCOUNT_ROOT = 'account root';

/**
 * KMS's cryptographic operations: what "using" a key means.
 * https://docs.aws.amazon.com/kms/latest/developerguide/kms-cryptography.html#cryptographic-operations
 */
export const KMS_CRYPTOGRAPHIC_OPERATIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GenerateDataKeyPair',
  'kms:GenerateDataKeyPairWithoutPlaintext',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:Sign',
  'kms:Verify',
  'kms:DeriveSharedSecret',
];

/** The cryptographic operations a list of action patterns allows. */
export function cryptographicOperationsAllowed(actions: readonly string[]): string[] {
  return KMS_CRYPTOGRAPHIC_OPERATIONS.filter((operation) => actions.some((pattern) => actionMatches(pattern, operation)));
}

/**
 * IAM action patterns: `*` matches any run of characters and `?` one, case-insensitively.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
 */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return regex.test(action);
}

/**
 * Whether a statement allows only grants that an AWS service creates for an
 * AWS resource: `"Bool": { "kms:GrantIsForAWSResource": "true" }`.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export function grantsOnlyForAwsResources(statement: KeyPolicyStatementFacts): boolean {
  return statement.conditions.some((c) => c.operator === 'Bool' && c.key === 'kms:GrantIsForAWSResource' && c.values.length === 1 && c.values[0] === 'true');
}

/** Principals of Allow statements that allow kms:PutKeyPolicy, without conditions or with. */
function administratorsOf(policy: readonly KeyPolicyStatementFacts[]): string[] {
  const allowed = policy.filter((s) => s.effect === 'Allow' && s.actions.some((a) => actionMatches(a, 'kms:PutKeyPolicy')));
  return [...new Set(allowed.flatMap((s) => [...(s.accountRoot ? [ACCOUNT_ROOT] : []), ...s.grantees]))];
}

function purposeOf(alias: string | undefined, brand: string | undefined): KeyPurpose {
  if (alias === undefined || brand === undefined) return { kind: 'other' };
  if (alias === platformKeyAlias(brand)) return { kind: 'platform' };
  const prefix = keyAlias(brand, '');
  return alias.startsWith(prefix) ? { kind: 'customer', customer: alias.slice(prefix.length) } : { kind: 'other' };
}

/** The condition key a customer key's grants require (lib/config/naming.ts). */
export const CUSTOMER_CONTEXT_CONDITION = `kms:EncryptionContext:${CUSTOMER_ENCRYPTION_CONTEXT_KEY}`;

const asList = (value: CfnValue): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A service principal or ViaService value as text, a region token as `<region>`. */
function serviceName(value: unknown): string {
  return templateText(value).replace(/\{\{Ref:AWS::Region\}\}/g, '<region>');
}

/** A condition value as text; a JSON boolean (`"Bool": { ...: true }`) as `true`/`false`, as IAM compares it. */
const conditionText = (value: unknown): string => (typeof value === 'boolean' ? String(value) : templateText(value));

/** A principal as text; an Fn::Sub template (the CDK CloudFormation execution role) as written. */
function principalText(value: unknown): string {
  const sub = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['Fn::Sub'] : undefined;
  return typeof sub === 'string' ? sub : templateText(value);
}

export function statementFacts(statement: CfnPolicyStatement): KeyPolicyStatementFacts {
  const principal = statement.Principal === '*' ? { AWS: '*' } : (statement.Principal ?? {});
  const aws = asList(principal.AWS).map((p) => ({ text: principalText(p), id: referenceOf(p)?.logicalId }));
  const conditions: PolicyCondition[] = Object.entries(statement.Condition ?? {}).flatMap(([operator, byKey]) =>
    Object.entries(byKey).map(([key, values]) => ({ operator, key, values: asList(values).map(conditionText) })),
  );
  const via = statement.Condition?.StringEquals?.['kms:ViaService'];
  return {
    effect: statement.Effect,
    actions: asList(statement.Action).map(String),
    // The account principal: `arn:<partition>:iam::<account>:root` (or the bare account id).
    accountRoot: aws.some(({ text }) => text.endsWith(':root') || /^\d{12}$/.test(text)),
    grantees: aws.filter(({ text }) => !(text.endsWith(':root') || /^\d{12}$/.test(text))).map(({ text, id }) => (id ? stripHash(id) : text)),
    services: asList(principal.Service).map(serviceName),
    viaService: via === undefined ? undefined : serviceName(via),
    conditions,
    customerContext: conditions.find((c) => c.operator === 'StringEquals' && c.key === CUSTOMER_CONTEXT_CONDITION && c.values.length === 1)?.values[0],
  };
}
