/** What counts as a key of the brand: a key of the stack whose alias is under the brand's (lib/config/naming.ts keyAlias). */
import { keyAlias } from '../../config/naming';
import type { PostureFacts } from '../facts';
import { keyLabel, type KeyRef } from '../naming';

export function isBrandKey(facts: PostureFacts, key: KeyRef): boolean {
  const brand = facts.placement.brand;
  return brand !== undefined && key.kind === 'stack' && key.alias !== undefined && key.alias.startsWith(keyAlias(brand, '')) && facts.encryption.keys.some((k) => k.logicalId === key.logicalId);
}

/** Why a key is not a brand key, for a violation's reason. */
export function notBrandKeyReason(facts: PostureFacts, key: KeyRef): string {
  const brand = facts.placement.brand;
  if (brand === undefined) return `${keyLabel(key)}: the stack's tags name no brand, so no key is the brand's`;
  return `${keyLabel(key)} is not a key of brand ${brand} (a key of the stack aliased ${keyAlias(brand, '<name>')})`;
}
