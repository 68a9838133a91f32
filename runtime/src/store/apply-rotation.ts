import { InconsistentKeySet } from '../errors/operator-errors';
import type { RotationPlan, StoredSigningKey } from './identity-store';

/**
 * The key set after `plan`, computed without mutating `keys`. Both stores use it: the memory
 * store swaps the result in, the Postgres store checks its statements against the same rules.
 */
export function applyRotation(keys: StoredSigningKey[], plan: RotationPlan): StoredSigningKey[] {
  const active = keys.find((k) => k.status === 'active');
  const next = keys.find((k) => k.status === 'next');
  if (!active || active.kid !== plan.retire.kid || !next || next.kid !== plan.activate) {
    throw new InconsistentKeySet('rotation plan does not match the current keys');
  }
  const dropped = new Set(plan.drop);
  const result: StoredSigningKey[] = [];
  for (const key of keys) {
    if (dropped.has(key.kid)) continue;
    if (key.kid === active.kid) {
      result.push({ ...key, status: 'retired', sealedPrivateKey: null, retiredAt: plan.at, retainUntil: plan.retire.retainUntil });
    } else if (key.kid === next.kid) {
      result.push({ ...key, status: 'active', activatedAt: plan.at });
    } else {
      result.push(key);
    }
  }
  result.push(plan.publish);
  return result;
}
