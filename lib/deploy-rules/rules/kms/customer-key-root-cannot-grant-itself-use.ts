import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { PLATFORM_KEY_NAME } from '../../../config/naming';
import { actionMatches, KMS_CRYPTOGRAPHIC_OPERATIONS } from '../../../posture/rules/keys/iam-actions';
import { isObject, referenceOf, StackTemplate, textOf } from '../../template/stack-template';

/** A brand key's alias (lib/config/naming.ts keyAlias): `alias/brandstack/<brand>/<key name>`. */
const BRAND_KEY_ALIAS = /^alias\/brandstack\/[^/]+\/([^/]+)$/;

/**
 * An account root principal: `arn:<partition>:iam::<account>:root` or the bare
 * account id, literal or built with Fn::Join / Fn::Sub from AWS::Partition and
 * AWS::AccountId. Any account's root, this one's or another's; and `*`.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
 */
const ACCOUNT_ROOT = /^(?:arn:(?:aws[a-z-]*|\$\{AWS::Partition\}):iam::(?:\d{12}|\$\{AWS::AccountId\}):root|\d{12}|\$\{AWS::AccountId\})$/;

/**
 * A customer key's policy lets the account root neither use the key nor grant
 * itself use:
 * - every Allow statement for the root whose actions cover `kms:CreateGrant`
 *   (`kms:CreateGrant`, `kms:Create*`, `kms:*`, `*`) carries the condition
 *   `"Bool": {"kms:GrantIsForAWSResource": "true"}`;
 * - no Allow statement for the root covers a cryptographic operation
 *   (Encrypt, Decrypt, ReEncrypt*, GenerateDataKey* ...).
 *
 * The root principal in a key policy is the whole account: it "allows access
 * to the AWS account and enables IAM policies"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html),
 * so any role the account's IAM policies allow `kms:CreateGrant` could create a
 * grant for itself and then Decrypt, which a key policy without root use is
 * meant to prevent. `kms:GrantIsForAWSResource` "Allows principals to call
 * CreateGrant, ListGrants, or RevokeGrant only when an AWS service that is
 * integrated with AWS KMS sends the request on the principal's behalf"
 * (https://docs.aws.amazon.com/kms/latest/developerguide/grant-authorization.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource),
 * so services can still use grants and no principal can grant itself. The
 * failure it prevents is not a failed deploy but a false promise: the posture
 * and the key policy comment say an IAM policy alone cannot decrypt a
 * customer's records.
 *
 * Customer keys are the keys a brand alias names with a key name other than
 * `platform` (lib/config/naming.ts). The platform key is left out on purpose:
 * its policy delegates to IAM (root `kms:*`) because AWS services use it for
 * many roles (RDS, DocumentDB, Secrets Manager, AWS Backup, EBS, EKS), and it
 * holds infrastructure state, not a customer's records; the posture shows its
 * policy.
 */
export function CustomerKeyRootCannotGrantItselfUse(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::KMS::Key') return NagRuleCompliance.NOT_APPLICABLE;
  const template = StackTemplate.of(node);
  const key = template.resource(node);
  const customerKey = template.ofType('AWS::KMS::Alias').some((alias) => {
    const keyName = BRAND_KEY_ALIAS.exec(textOf(alias.properties.AliasName))?.[1];
    return keyName !== undefined && keyName !== PLATFORM_KEY_NAME && referenceOf(alias.properties.TargetKeyId)?.logicalId === key.logicalId;
  });
  if (!customerKey) return NagRuleCompliance.NOT_APPLICABLE;

  const findings = new Set<string>();
  const statements = key.properties.KeyPolicy?.Statement;
  for (const [index, statement] of (Array.isArray(statements) ? statements : [statements]).entries()) {
    if (!isObject(statement) || statement.Effect !== 'Allow' || !namesAccountRoot(statement.Principal)) continue;
    const label = typeof statement.Sid === 'string' && statement.Sid ? statement.Sid : `Statement${index}`;
    if (allows(statement, 'kms:CreateGrant') && !grantOnlyForAwsResources(statement.Condition)) findings.add(`RootMayCreateGrant::${label}`);
    const use = KMS_CRYPTOGRAPHIC_OPERATIONS.filter((operation) => allows(statement, operation));
    if (use.length > 0) findings.add(`RootMayUse::${label}`);
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

/** The account root, or everyone (`*`, which includes the account: "AWS": "*" with kms:CallerAccount is how AWS managed keys name it). */
function namesAccountRoot(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isObject(principal)) return false;
  const aws = principal.AWS;
  return (Array.isArray(aws) ? aws : [aws]).some((entry) => entry !== undefined && (entry === '*' || ACCOUNT_ROOT.test(textOf(entry))));
}

/** Whether a statement's Action (or NotAction) covers `action`. */
function allows(statement: Record<string, any>, action: string): boolean {
  const list = (value: unknown): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).map(String);
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((pattern) => actionMatches(pattern, action));
  return list(statement.Action).some((pattern) => actionMatches(pattern, action));
}

/** `"Bool": {"kms:GrantIsForAWSResource": true}` (condition keys are case-insensitive). */
function grantOnlyForAwsResources(condition: unknown): boolean {
  if (!isObject(condition)) return false;
  const bool = Object.entries(condition).find(([operator]) => operator === 'Bool')?.[1];
  if (!isObject(bool)) return false;
  const value = Object.entries(bool).find(([conditionKey]) => conditionKey.toLowerCase() === 'kms:grantisforawsresource')?.[1];
  const values = Array.isArray(value) ? value : [value];
  return values.length > 0 && values.every((v) => String(v).toLowerCase() === 'true');
}
