import { actionMatches, grantsOnlyForAwsResources } from '../../facts/encryption/keys';

export { actionMatches, grantsOnlyForAwsResources };

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

/** Whether a list of action patterns allows kms:CreateGrant. */
export function grantCreationAllowed(actions: readonly string[]): boolean {
  return actions.some((pattern) => actionMatches(pattern, 'kms:CreateGrant'));
}

