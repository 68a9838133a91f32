import { keyAlias } from '../../../config/naming';
import { postureRule } from '../rule';
import { keyLabel } from '../../naming';

/**
 * Every key of the stack carries an alias under the brand's,
 * `alias/brandstack/<brand>/<platform|customer>`: the alias is how operators,
 * `brandstack verify` and this posture name a key, and how the platform key is
 * told from each customer's.
 */
export const KeysAliasedForBrand = postureRule('keys/keys-aliased-for-brand', "Every KMS key of the stack has an alias under the brand's.", (facts) => {
  const brand = facts.placement.brand;
  return facts.encryption.keys
    .filter((k) => brand === undefined || k.key.kind !== 'stack' || !k.key.alias?.startsWith(keyAlias(brand, '')))
    .map((k) => ({ resource: keyLabel(k.key), reason: brand === undefined ? "the stack's tags name no brand" : `no alias under ${keyAlias(brand, '')}` }));
});
