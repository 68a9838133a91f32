import { postureRule } from '../rule';
import { keyLabel } from '../../naming';
import { cryptographicOperationsAllowed } from './iam-actions';

/**
 * Every principal a customer key's policy lets use the key may use it only with
 * the encryption context `brandstack:customer = <that customer>`: a data key
 * generated for one customer cannot be decrypted under another's name, and
 * CloudTrail records which customer each call was for.
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context
 */
export const CustomerKeyUseBoundToEncryptionContext = postureRule(
  'keys/customer-key-use-bound-to-encryption-context',
  "A customer key may be used only with that customer's encryption context.",
  (facts) =>
    facts.encryption.keys.flatMap((k) => {
      if (k.purpose.kind !== 'customer') return [];
      const customer = k.purpose.customer;
      return k.policy
        .filter((s) => s.effect === 'Allow' && !s.accountRoot && cryptographicOperationsAllowed(s.actions).length > 0 && s.customerContext !== customer)
        .map((s) => ({
          resource: keyLabel(k.key),
          reason: `${[...s.grantees, ...s.services].join(', ') || 'a principal'} may use the key ${s.customerContext === undefined ? 'without' : `with the context of ${s.customerContext}, not`} the encryption context brandstack:customer=${customer}`,
        }));
    }),
);
