import { postureRule } from '../rule';
import { keyLabel } from '../../naming';
import { cryptographicOperationsAllowed } from './iam-actions';

/**
 * A customer key's policy gives the account (its root principal, and so every
 * IAM policy of the account) administration only, no cryptographic operation,
 * directly or through a service: so no IAM policy, however broad (`kms:*` on `*`),
 * can decrypt a customer's records; only a principal the key policy names can.
 * The account keeps administration, as AWS advises, so the key never becomes
 * unmanageable (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 * Administration can still change the key policy (kms:PutKeyPolicy) or create
 * grants (kms:CreateGrant, which `kms:Create*` covers); CloudTrail records both.
 * This rule checks direct use.
 */
export const CustomerKeysNotUsableByAccountRoot = postureRule(
  'keys/customer-keys-not-usable-by-account-root',
  'No key policy statement of a customer key lets the account root use the key.',
  (facts) =>
    facts.encryption.keys
      .filter((k) => k.purpose.kind === 'customer')
      .flatMap((k) =>
        k.policy
          .filter((s) => s.effect === 'Allow' && s.accountRoot)
          .map((s) => cryptographicOperationsAllowed(s.actions))
          .filter((operations) => operations.length > 0)
          .map((operations) => ({ resource: keyLabel(k.key), reason: `the account root may use the key: ${operations.join(', ')}` })),
      ),
);
