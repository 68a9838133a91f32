import { postureRule } from '../rule';
import { keyLabel } from '../../naming';

/**
 * Every key of the stack rotates its key material yearly, so a leaked data key
 * of an old version cannot decrypt what newer material encrypts, and the
 * compliance packs (PCI DSS 3.6.4, NIST SC-12) are met.
 * https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys.html
 */
export const KeyRotationEnabled = postureRule('keys/key-rotation-enabled', 'Every KMS key of the stack has automatic rotation on.', (facts) =>
  facts.encryption.keys.filter((k) => !k.rotation).map((k) => ({ resource: keyLabel(k.key), reason: 'automatic key rotation is off' })),
);
