import { verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AccessTokenClaims } from './access-token-claims';

/** Decoded, signature-checked access token claims. */
export type VerifiedClaims = AccessTokenClaims;

export interface VerificationKeys {
  /** The public key published under this kid, or undefined when the tenant has no such key. */
  publicKey(kid: string): KeyObject | undefined;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Verifies an access token issued by this service for one tenant. Any deviation returns
 * undefined: introspection (RFC 7662 §2.2) answers `active: false` without saying why.
 *
 * Only the tenant's own published keys are candidates, so a token another tenant signed fails
 * here on the kid even before the issuer check.
 */
export function verifyAccessToken(
  token: string,
  keys: VerificationKeys,
  expected: { issuer: string; tenant: string; nowSeconds: number },
): VerifiedClaims | undefined {
  if (token.length > 8192 || !JWT_SHAPE.test(token)) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  const header = parseJson(encodedHeader);
  // RFC 8725 §3.1: accept exactly the algorithm we sign with; RFC 9068 §4: check typ.
  if (!header || header.alg !== 'RS256' || typeof header.kid !== 'string') return undefined;
  if (header.typ !== 'at+jwt' && header.typ !== 'application/at+jwt') return undefined;
  const publicKey = keys.publicKey(header.kid);
  if (!publicKey) return undefined;
  const signingInput = Buffer.from(`${encodedHeader}.${encodedPayload}`);
  if (!verify('sha256', signingInput, publicKey, Buffer.from(encodedSignature, 'base64url'))) return undefined;

  const claims = parseJson(encodedPayload);
  if (!claims) return undefined;
  if (claims.iss !== expected.issuer || claims.tenant !== expected.tenant) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= expected.nowSeconds) return undefined;
  if (typeof claims.jti !== 'string' || typeof claims.client_id !== 'string') return undefined;
  // The signature is this tenant's own: TokenSigner wrote this payload, so it has the full shape.
  return claims as unknown as VerifiedClaims;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
