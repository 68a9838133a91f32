/**
 * Who operates a brand's stacks: the IAM roles mapped to cluster
 * administration, and the principals that administer its KMS keys.
 */
import { isRecord, rejectDuplicates, rejectUnknown, requireStringArray, type Fail } from './fields';

/**
 * An IAM role ARN (with an optional path). Roles only: operators assume them
 * with short-term credentials, as EKS recommends for access entries
 * (https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html).
 */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export interface BrandOperators {
  /**
   * Roles mapped to cluster administration through EKS access entries. STANDARD
   * access entries may name roles in other accounts, so one list serves every
   * stage account.
   */
  readonly clusterAdminRoleArns: readonly string[];
  /**
   * Principals that administer (not use) the brand's KMS keys. Empty means the
   * account root, which delegates the choice to the account's IAM policies.
   */
  readonly keyAdministratorArns: readonly string[];
}

export const OPERATOR_FIELDS = ['clusterAdminRoleArns', 'keyAdministratorArns'] as const;

/** Parses the brand file's `operators` field. */
export function parseOperators(raw: unknown, fail: Fail): BrandOperators {
  if (!isRecord(raw)) {
    return fail('operators', `is required: an object with clusterAdminRoleArns (IAM role ARNs that may administer the cluster through the bastion) and optionally keyAdministratorArns`);
  }
  rejectUnknown(raw, OPERATOR_FIELDS, 'operators.', fail);
  const roles = (field: (typeof OPERATOR_FIELDS)[number], required: boolean): string[] => {
    if (!required && raw[field] === undefined) return [];
    const values = requireStringArray(raw, field, fail, 'operators.');
    if (required && values.length === 0) fail(`operators.${field}`, 'must list at least one IAM role ARN');
    values.forEach((arn, index) => {
      if (!IAM_ROLE_ARN.test(arn)) fail(`operators.${field}[${index}]`, `'${arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); users and the account root are not accepted`);
    });
    rejectDuplicates(values, `operators.${field}`, fail);
    return values;
  };
  return { clusterAdminRoleArns: roles('clusterAdminRoleArns', true), keyAdministratorArns: roles('keyAdministratorArns', false) };
}
