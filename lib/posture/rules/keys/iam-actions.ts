import { actionMatches, cryptographicOperationsAllowed, grantsOnlyForAwsResources, KMS_CRYPTOGRAPHIC_OPERATIONS } from '../../facts/encryption/keys';

export { actionMatches, cryptographicOperationsAllowed, grantsOnlyForAwsResources, KMS_CRYPTOGRAPHIC_OPERATIONS };

/** Whether a list of action patterns allows kms:CreateGrant. */
export function grantCreationAllowed(actions: readonly string[]): boolean {
  return actions.some((pattern) => actionMatches(pattern, 'kms:CreateGrant'));
}

