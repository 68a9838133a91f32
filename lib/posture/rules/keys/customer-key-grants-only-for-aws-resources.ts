import { postureRule } from '../rule';
import { keyLabel } from '../../naming';
import { grantCreationAllowed, grantsOnlyForAwsResources } from './iam-actions';

/**
 * No principal named in a customer key's policy (key administrators, grantees)
 * may create a grant except for an AWS resource (`kms:GrantIsForAWSResource`):
 * a grant names its grantee and operations, so CreateGrant on its own is a way
 * to give oneself or anyone use of the key outside the key policy.
 * (The account root is checked by keys/customer-keys-not-usable-by-account-root.)
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource
 */
export const CustomerKeyGrantsOnlyForAwsResources = postureRule(
  'keys/customer-key-grants-only-for-aws-resources',
  'No principal a customer key policy names may create grants except for AWS resources.',
  (facts) =>
    facts.encryption.keys
      .filter((k) => k.purpose.kind === 'customer')
      .flatMap((k) =>
        k.policy
          .filter((s) => s.effect === 'Allow' && !s.accountRoot && grantCreationAllowed(s.actions) && !grantsOnlyForAwsResources(s))
          .map((s) => ({
            resource: keyLabel(k.key),
            reason: `${[...s.grantees, ...s.services].join(', ') || 'a principal'} may create any grant (kms:CreateGrant without kms:GrantIsForAWSResource=true), to itself included`,
          })),
      ),
);
