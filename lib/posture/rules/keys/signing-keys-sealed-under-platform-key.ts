import { RUNTIME_CONTEXT_KEYS, SIGNING_KEY_SEAL_CONTEXTS } from '../../../config/naming';
import { admitsContext } from '../../facts/encryption/context-conditions';
import { postureRule, type Finding } from '../rule';
import { actionMatches } from './iam-actions';

/** A context of `keys` with sample values, its purpose `purpose` (a StringLike pattern's wildcards filled in). */
function sampleContext(keys: readonly string[], purpose: string): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, k === RUNTIME_CONTEXT_KEYS.purpose ? purpose.replace(/\*/g, 'x').replace(/\?/g, 'x') : 'x']));
}

/**
 * Every workload that seals signing keys (sets SIGNING_KEY_SEAL) seals them under the brand
 * platform key through KMS (issue 14 §7), and can:
 * - SIGNING_KEY_SEAL is `kms`: `local` seals with a key held in the pod;
 * - its role may GenerateDataKey and Decrypt on the platform key with each context the seal
 *   sends (lib/config/naming.ts SIGNING_KEY_SEAL_CONTEXTS: signing keys, attestations);
 *   otherwise the first seal fails with AccessDenied;
 * - KEY_ENCRYPTION_KEY is still delivered: it opens the signing keys sealed before (v1), the
 *   migration path until every row is re-sealed.
 */
export const SigningKeysSealedUnderPlatformKey = postureRule(
  'keys/signing-keys-sealed-under-platform-key',
  'A workload sealing signing keys does so through KMS under the platform key, with every seal context allowed, and keeps KEY_ENCRYPTION_KEY for v1 rows.',
  (facts) =>
    facts.runtimeKeys.workloads
      .filter((w) => w.signingKeySeal !== undefined)
      .flatMap((w): Finding[] => {
        const found: Finding[] = [];
        const at = (reason: string) => found.push({ resource: w.workload, reason });
        if (w.signingKeySeal !== 'kms') at(`SIGNING_KEY_SEAL=${w.signingKeySeal}: private signing keys would be sealed with a key held in the pod, not under KMS`);
        for (const shape of SIGNING_KEY_SEAL_CONTEXTS) {
          for (const purpose of shape.purposes) {
            const context = sampleContext(shape.keys, purpose);
            for (const op of ['kms:GenerateDataKey', 'kms:Decrypt']) {
              if (!w.platformKeyUse.some((u) => u.actions.some((a) => actionMatches(a, op)) && admitsContext(u.conditions, context))) {
                at(`role ${w.role ?? '(none)'} may not ${op} on the platform key for ${shape.use} (purpose ${purpose})`);
              }
            }
          }
        }
        if (!w.legacyKeyEncryptionKey) at('KEY_ENCRYPTION_KEY is not delivered: signing keys sealed before (v1) could no longer be opened');
        return found;
      }),
);
