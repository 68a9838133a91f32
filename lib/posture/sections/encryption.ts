/**
 * @deprecated The encryption section as it was imported before lib/posture became
 * facts/, render/ and rules/. Import from `lib/posture` (or `lib/posture/exceptions`
 * for the metadata key) instead; kept until the last importers outside lib/posture move.
 */
import { encryptionFacts } from '../facts/encryption';
import { placementFacts } from '../facts/placement';
import { renderEncryption, type EncryptionPosture } from '../render/encryption';
import type { PostureInput } from '../template';

export { ENCRYPTION_EXCEPTION_METADATA } from '../exceptions';
export type { EncryptionPosture } from '../render/encryption';

export function encryptionPosture(input: PostureInput): EncryptionPosture {
  return renderEncryption(encryptionFacts(input.template, placementFacts(input.template, input.stackName, input.region).brand));
}
