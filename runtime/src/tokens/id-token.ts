import { verify } from 'node:crypto';
import type { VerificationKeys } from './token-verifier';

/** OIDC Core §2 ID token claims, as this OP issues them. */
export interface IdTokenClaims {
  iss: string;
  /** The user's opaque id; never reassigned (OIDC Core §2 `sub`). */
  sub: string;
  /** OIDC Core §2: the client_id of the relying party. */
  aud: string;
  exp: number;
  iat: number;
  /** When the user authenticated; always present as max_age and prompt=login rely on it. */
  auth_time: number;
  /** The authorization request's nonce, echoed when it had one (OIDC Core §3.1.2.1). */
  nonce?: string;
  /** OIDC Core §2: the party the token was issued to; equals aud here. */
  azp: string;
}

/** ID tokens live as long as this: they prove a sign-in to the RP, nothing is accessed with them. */
export const ID_TOKEN_TTL_SECONDS = 300;

export function idTokenClaims(
  input: { issuer: string; userId: string; clientId: string; authTime: Date; nonce: string | null },
  nowSeconds: number,
): IdTokenClaims {
  return {
    iss: input.issuer,
    sub: input.userId,
    aud: input.clientId,
    exp: nowSeconds + ID_TOKEN_TTL_SECONDS,
    iat: nowSeconds,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    ...(input.nonce === null ? {} : { nonce: input.nonce }),
    azp: input.clientId,
  };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * OpenID Connect RP-Initiated Logout 1.0 §2: an `id_token_hint` is an ID token this OP issued;
 * it may have expired, so only the signature (one of the tenant's published keys), the typ and
 * the issuer are checked. Returns its claims, or undefined.
 */
export function verifyIdTokenHint(token: string, keys: VerificationKeys, issuer: string): IdTokenClaims | undefined {
  if (token.length > 8192 || !JWT_SHAPE.test(token)) return undefined;
  const [encodedHeader, encodedPayload, encodedSignature] = token.split('.') as [string, string, string];
  const header = parseJson(encodedHeader);
  if (!header || header.alg !== 'RS256' || header.typ !== 'JWT' || typeof header.kid !== 'string') return undefined;
  const publicKey = keys.publicKey(header.kid);
  if (!publicKey) return undefined;
  if (!verify('sha256', Buffer.from(`${encodedHeader}.${encodedPayload}`), publicKey, Buffer.from(encodedSignature, 'base64url'))) return undefined;
  const claims = parseJson(encodedPayload);
  if (!claims || claims.iss !== issuer || typeof claims.sub !== 'string' || typeof claims.aud !== 'string') return undefined;
  return claims as unknown as IdTokenClaims;
}

function parseJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
