import { RUNTIME_CONTEXT_KEYS, SIGNING_KEY_SEAL_CONTEXTS, type PlatformKeyContext } from '../../../config/naming';
import { encryptionContextRequirement, type EncryptionContextRequirement } from '../../facts/encryption/context-conditions';
import { keyLabel } from '../../naming';
import { postureRule } from '../rule';
import { cryptographicOperationsAllowed } from './iam-actions';

/** The seal's operations: a data key for a new seal or attestation, and opening a stored one. */
const SEAL_OPERATIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

const sorted = (keys: readonly string[]) => [...keys].sort().join(', ');

/** Why a statement's context requirement is not exactly `shape`; empty when it is. */
function mismatch(r: EncryptionContextRequirement, shape: PlatformKeyContext): string[] {
  const reasons: string[] = [];
  const keys = sorted(shape.keys);
  const only = r.onlyKeys === undefined ? undefined : sorted(r.onlyKeys);
  if (only !== keys) reasons.push(only === undefined ? 'with any encryption context keys' : `with encryption context keys ${only}`);
  else if (r.requiredKeys.join(', ') !== keys) reasons.push(`without requiring each of ${only} (ForAllValues alone also admits an empty context)`);
  const purpose = r.pairs[RUNTIME_CONTEXT_KEYS.purpose];
  if (purpose === undefined) reasons.push(`with any ${RUNTIME_CONTEXT_KEYS.purpose}`);
  else {
    const foreign = purpose.values.filter((p) => !shape.purposes.includes(p));
    if (foreign.length) reasons.push(`with ${RUNTIME_CONTEXT_KEYS.purpose} ${foreign.join(', ')}`);
  }
  const otherPairs = Object.keys(r.pairs).filter((k) => k !== RUNTIME_CONTEXT_KEYS.purpose);
  if (otherPairs.length) reasons.push(`pinning ${otherPairs.join(', ')}`);
  if (r.other.length) reasons.push(`if ${r.other.map((c) => `${c.operator} ${c.key}`).join(', ')}`);
  return reasons;
}

/**
 * A workload's role may use the brand platform key directly (not through an AWS service, which
 * `kms:ViaService` marks) only for the runtime's seal: GenerateDataKey and Decrypt, each
 * statement under exactly one of the seal's context shapes (lib/config/naming.ts
 * SIGNING_KEY_SEAL_CONTEXTS): exactly its keys, each required, and its purposes. The platform
 * key also encrypts the brand's secrets, volumes, logs and backups, which AWS services encrypt
 * under their own contexts; a role allowed Decrypt on it under any context could open their data
 * keys. "Exactly" needs both the `ForAllValues:StringEquals` on `kms:EncryptionContextKeys` and
 * tests that require each key: ForAllValues alone also matches a request with no context
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys).
 */
export const PlatformKeyUsedDirectlyOnlyToSealSigningKeys = postureRule(
  'keys/platform-key-used-directly-only-to-seal-signing-keys',
  "A workload's role uses the platform key directly only for GenerateDataKey and Decrypt under exactly one of the seal's encryption contexts.",
  (facts) =>
    facts.runtimeKeys.workloads.flatMap((w) =>
      w.platformKeyUse.flatMap((use) => {
        const operations = cryptographicOperationsAllowed(use.actions);
        if (operations.length === 0) return [];
        const reasons: string[] = [];
        const beyond = operations.filter((op) => !SEAL_OPERATIONS.includes(op));
        if (beyond.length) reasons.push(`${beyond.join(', ')} beyond the seal's ${SEAL_OPERATIONS.join(', ')}`);
        const requirement = encryptionContextRequirement(use.conditions);
        const byShape = SIGNING_KEY_SEAL_CONTEXTS.map((shape) => mismatch(requirement, shape));
        if (!byShape.some((m) => m.length === 0)) {
          // Name the closest shape's differences.
          const closest = byShape.reduce((best, m) => (m.length < best.length ? m : best));
          const shape = SIGNING_KEY_SEAL_CONTEXTS[byShape.indexOf(closest)]!;
          reasons.push(`${closest.join(', ')}, not exactly the context of ${shape.use} (${sorted(shape.keys)}; purpose ${shape.purposes.join('|')})`);
        }
        return reasons.map((reason) => ({ resource: w.workload, reason: `role ${w.role ?? '(none)'} may use ${keyLabel(use.key)} directly ${reason}` }));
      }),
    ),
);
