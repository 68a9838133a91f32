import { createHash, timingSafeEqual } from 'node:crypto';

/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) of a 32-octet digest is 43 characters. */
export const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** RFC 7636 §4.1: code_verifier = 43*128unreserved. */
export const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** RFC 7636 §4.6 with S256, the only method accepted (`plain` defeats PKCE's point, RFC 9700 §2.1.1). */
export function verifiesS256(verifier: string, challenge: string): boolean {
  if (!CODE_VERIFIER.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}
