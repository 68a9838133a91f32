/** The stack's KMS keys: alias, purpose, spec, rotation, deletion window and key policy. */
import { CUSTOMER_ENCRYPTION_CONTEXT_KEY, keyAlias, platformKeyAlias } from '../../../config/naming';
import { keyOf, referenceOf, stripHash, templateText } from '../../naming';
import type { CfnPolicyStatement, CfnValue, TemplateView } from '../../template';
import type { KeyFacts, KeyPolicyStatementFacts, KeyPurpose, PolicyCondition } from './types';

export function keyFacts(view: TemplateView, brand: string | undefined): KeyFacts[] {
  return view.ofType('AWS::KMS::Key').map(([id, key]) => {
    const props = key.Properties ?? {};
    const ref = keyOf(view, { Ref: id });
    return {
      logicalId: id,
      key: ref,
      purpose: purposeOf(ref.kind === 'stack' ? ref.alias : undefined, brand),
      keySpec: props.KeySpec ?? 'SYMMETRIC_DEFAULT',
      rotation: props.EnableKeyRotation === true,
      pendingWindowDays: props.PendingWindowInDays ?? 30,
      policy: (props.KeyPolicy?.Statement ?? []).map(statementFacts),
    };
  });
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

export function statementFacts(statement: CfnPolicyStatement): KeyPolicyStatementFacts {
  const principal = statement.Principal === '*' ? { AWS: '*' } : (statement.Principal ?? {});
  const aws = asList(principal.AWS).map((p) => ({ text: templateText(p), id: referenceOf(p)?.logicalId }));
  const conditions: PolicyCondition[] = Object.entries(statement.Condition ?? {}).flatMap(([operator, byKey]) =>
    Object.entries(byKey).map(([key, values]) => ({ operator, key, values: asList(values).map(templateText) })),
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
