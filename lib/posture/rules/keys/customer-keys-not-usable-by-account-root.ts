import { postureRule } from '../rule';
import type { Finding } from '../rule';
import { keyLabel } from '../../naming';
import { cryptographicOperationsAllowed, grantsOnlyForAwsResources, grantCreationAllowed } from './iam-actions';

/**
 * A customer key's policy gives the account (its root principal, and so every
 * IAM policy of the account) no way to use the key:
 * - no cryptographic operation, directly or through a service;
 * - no kms:CreateGrant except for an AWS resource (`kms:GrantIsForAWSResource`):
 *   a grant names its grantee and operations, so an account principal allowed
 *   CreateGrant by IAM could otherwise grant itself Decrypt
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
 * So no IAM policy, however broad (`kms:*` on `*`), can decrypt a customer's
 * records; only a principal the key policy names can.
 *
 * What this rule does not forbid, and the posture shows as the key's
 * administrators: a principal allowed kms:PutKeyPolicy can rewrite the policy.
 * AWS requires someone to hold it, or the key becomes unmanageable
 * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
 */
export const CustomerKeysNotUsableByAccountRoot = postureRule(
  'keys/customer-keys-not-usable-by-account-root',
  'No key policy statement of a customer key lets the account root use the key or grant itself use.',
  (facts) =>
    facts.encryption.keys
      .filter((k) => k.purpose.kind === 'customer')
      .flatMap((k) =>
        k.policy
          .filter((s) => s.effect === 'Allow' && s.accountRoot)
          .flatMap((s): Finding[] => {
            const resource = keyLabel(k.key);
            const operations = cryptographicOperationsAllowed(s.actions);
            return [
              ...(operations.length ? [{ resource, reason: `the account root may use the key: ${operations.join(', ')}` }] : []),
              ...(grantCreationAllowed(s.actions) && !grantsOnlyForAwsResources(s)
                ? [{ resource, reason: 'the account root may create a grant for itself: kms:CreateGrant without kms:GrantIsForAWSResource=true' }]
                : []),
            ];
          }),
      ),
);
