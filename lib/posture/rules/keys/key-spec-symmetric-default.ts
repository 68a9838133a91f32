import { postureRule } from '../rule';
import { keyLabel } from '../../naming';

/**
 * Every key of the stack is SYMMETRIC_DEFAULT (AES-256-GCM): the only spec the
 * services that encrypt the brand's data (RDS, DocumentDB, EBS, Secrets Manager,
 * CloudWatch Logs, AWS Backup) accept, and the only one with automatic rotation.
 * https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html
 */
export const KeySpecSymmetricDefault = postureRule('keys/key-spec-symmetric-default', 'Every KMS key of the stack is SYMMETRIC_DEFAULT.', (facts) =>
  facts.encryption.keys.filter((k) => k.keySpec !== 'SYMMETRIC_DEFAULT').map((k) => ({ resource: keyLabel(k.key), reason: `key spec ${k.keySpec}, not SYMMETRIC_DEFAULT` })),
);
