/**
 * What a KMS statement's conditions require of the encryption context of a request: pairs
 * (`StringEquals` or `StringLike` on `kms:EncryptionContext:<key>`), the only keys allowed
 * (`ForAllValues:StringEquals` on `kms:EncryptionContextKeys`) and keys that must be present
 * (`Null: false` on `kms:EncryptionContext:<key>`), as the KMS developer guide describes them
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context,
 * #conditions-kms-encryption-context-keys). Conditions of any other shape are kept apart, so a
 * reader sees them rather than a guess.
 */
import type { PolicyCondition } from './types';

const PAIR_PREFIX = 'kms:EncryptionContext:';

export interface ContextPair {
  readonly operator: 'StringEquals' | 'StringLike';
  /** One of them must match the value (StringLike: `*` and `?` wildcards). */
  readonly values: readonly string[];
}

export interface EncryptionContextRequirement {
  /** Each required pair, by context key. */
  readonly pairs: Readonly<Record<string, ContextPair>>;
  /** The only keys the context may have; undefined: any keys. ForAllValues alone allows an empty context. */
  readonly onlyKeys?: readonly string[];
  /** Keys the context must have (a required pair's key, or a `Null: false` test), sorted. */
  readonly requiredKeys: readonly string[];
  /** Conditions that say nothing of the encryption context (`kms:ViaService` aside). */
  readonly other: readonly PolicyCondition[];
}

export function encryptionContextRequirement(conditions: readonly PolicyCondition[]): EncryptionContextRequirement {
  const pairs: Record<string, ContextPair> = {};
  const required = new Set<string>();
  let onlyKeys: readonly string[] | undefined;
  const other: PolicyCondition[] = [];
  for (const c of conditions) {
    const contextKey = c.key.startsWith(PAIR_PREFIX) ? c.key.slice(PAIR_PREFIX.length) : undefined;
    if ((c.operator === 'StringEquals' || c.operator === 'StringLike') && contextKey !== undefined && pairs[contextKey] === undefined) {
      pairs[contextKey] = { operator: c.operator, values: c.values };
      required.add(contextKey);
    } else if (c.operator === 'Null' && contextKey !== undefined && c.values.length === 1 && c.values[0] === 'false') {
      required.add(contextKey);
    } else if (c.operator === 'ForAllValues:StringEquals' && c.key === 'kms:EncryptionContextKeys') {
      onlyKeys = c.values;
    } else if (c.key !== 'kms:ViaService') {
      other.push(c);
    }
  }
  return { pairs, onlyKeys, requiredKeys: [...required].sort(), other };
}

/**
 * IAM's StringLike: `*` matches any run of characters, `?` one; case-sensitive
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String).
 */
export function likeMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
  return regex.test(value);
}

/** Whether `value` satisfies a pair. */
export function pairAdmits(pair: ContextPair, value: string): boolean {
  return pair.values.some((v) => (pair.operator === 'StringLike' ? likeMatches(v, value) : v === value));
}

/**
 * Whether a statement's conditions admit a request with exactly the context `context`, as far as
 * they speak of the encryption context; false when they require anything else of the request.
 */
export function admitsContext(conditions: readonly PolicyCondition[], context: Readonly<Record<string, string>>): boolean {
  const r = encryptionContextRequirement(conditions);
  const keys = Object.keys(context);
  if (r.other.length) return false;
  if (r.onlyKeys !== undefined && !keys.every((k) => r.onlyKeys!.includes(k))) return false;
  if (!r.requiredKeys.every((k) => keys.includes(k))) return false;
  return Object.entries(r.pairs).every(([k, pair]) => context[k] !== undefined && pairAdmits(pair, context[k]!));
}

/** The requirement in words, e.g. `only with encryption context keys exactly brandstack:kid, brandstack:tenant`. */
export function encryptionContextText(conditions: readonly PolicyCondition[]): string {
  const r = encryptionContextRequirement(conditions);
  const parts: string[] = [];
  const pairKeys = Object.keys(r.pairs);
  const pairText = (k: string) => `${k}${r.pairs[k]!.operator === 'StringLike' ? ' like ' : '='}${r.pairs[k]!.values.join('|')}`;
  if (pairKeys.length) parts.push(`only with encryption context ${pairKeys.map(pairText).join(', ')}`);
  const exactly = r.onlyKeys !== undefined && [...r.onlyKeys].sort().join() === r.requiredKeys.join();
  if (exactly) {
    parts.push(`only with encryption context keys exactly ${r.requiredKeys.join(', ')}`);
  } else {
    if (r.onlyKeys !== undefined) parts.push(`with no encryption context keys but ${r.onlyKeys.join(', ')}`);
    const unpaired = r.requiredKeys.filter((k) => !pairKeys.includes(k));
    if (unpaired.length) parts.push(`requiring encryption context keys ${unpaired.join(', ')}`);
  }
  for (const c of r.other) parts.push(`if ${c.operator} ${c.key} ${c.values.join('|')}`);
  return parts.join(', ');
}
