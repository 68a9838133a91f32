import { InvalidKeyRequest } from '../errors/key-errors';
import type { EncryptionContext } from './key-provider';

/**
 * The encryption context is KMS's additional authenticated data: "the encryption context in the
 * decryption operation must be an exact, case-sensitive match for the keys and values in the
 * encryption context of the encryption operation. Only the order of the pairs can vary"
 * (https://docs.aws.amazon.com/kms/latest/APIReference/API_GrantConstraints.html,
 * https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html). Its keys and
 * values are strings. An empty one is refused here although KMS accepts it: every key in
 * brandstack is used under a context (the customer keys' policies require
 * `brandstack:customer`), so an empty one is a caller's bug that would otherwise surface as
 * AccessDenied from KMS and pass silently with the local provider.
 */
export function assertEncryptionContext(context: unknown, field = 'context'): asserts context is EncryptionContext {
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new InvalidKeyRequest('context', `${field} must be an object of string keys and string values`);
  }
  const prototype = Object.getPrototypeOf(context);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new InvalidKeyRequest('context', `${field} must be a plain object of string keys and string values`);
  }
  const entries = Object.entries(context);
  if (entries.length === 0) throw new InvalidKeyRequest('context', `${field} must hold at least one key-value pair`);
  for (const [key, value] of entries) {
    if (key === '') throw new InvalidKeyRequest('context', `${field} has an empty key`);
    if (typeof value !== 'string') throw new InvalidKeyRequest('context', `${field}["${key}"] must be a string, got ${typeof value}`);
  }
}

/**
 * The one spelling of a context as bytes: JSON of its pairs sorted by key (UTF-16 code unit
 * order, which is what Array.prototype.sort compares). Two contexts KMS treats as equal give the
 * same string; any other difference (a key, a value, case) gives a different one. Used as the
 * local provider's AAD and in the data-key cache's entry key.
 */
export function canonicalContext(context: EncryptionContext): string {
  assertEncryptionContext(context);
  const keys = Object.keys(context).sort();
  return JSON.stringify(keys.map((key) => [key, context[key]]));
}

/** A frozen copy, so a caller mutating its object later cannot change what was used or cached. */
export function frozenContext(context: EncryptionContext): EncryptionContext {
  return Object.freeze(Object.fromEntries(Object.entries(context)));
}
