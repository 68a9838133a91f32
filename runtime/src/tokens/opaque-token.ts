import { createHash, randomBytes } from 'node:crypto';

/**
 * Authorization codes and refresh tokens: 256 random bits, base64url (RFC 6749 §10.10 asks for
 * a guessing probability ≤ 2^-128). The store keeps only the SHA-256 hash: a fast hash is sound
 * for values of this entropy, and a leaked table holds nothing presentable (RFC 9700 §4.14.2).
 */
export function newOpaqueToken(): { value: string; hash: string } {
  const value = randomBytes(32).toString('base64url');
  return { value, hash: hashOpaqueToken(value) };
}

export function hashOpaqueToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
