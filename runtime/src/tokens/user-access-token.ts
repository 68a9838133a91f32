import { randomUUID } from 'node:crypto';
import type { AccessTokenClaims, TokenClient } from './access-token-claims';

/**
 * RFC 9068 §2.2 claims of an access token a user's grant earns: `sub` is the user, `client_id`
 * the client it was issued to, `auth_time` when the user signed in, and the user's authorities.
 * The audience is the client's default resource (RFC 8707 indicators are not taken at the
 * authorization endpoint yet).
 */
export function userAccessTokenClaims(
  input: { issuer: string; tenantId: string; client: TokenClient; userId: string; scopes: readonly string[]; authTime: Date; authorities: readonly string[] },
  nowSeconds: number,
): AccessTokenClaims {
  return {
    iss: input.issuer,
    sub: input.userId,
    aud: input.client.defaultResource,
    exp: nowSeconds + input.client.accessTokenTtl,
    iat: nowSeconds,
    jti: randomUUID(),
    client_id: input.client.clientId,
    scope: input.scopes.length > 0 ? input.scopes.join(' ') : undefined,
    tenant: input.tenantId,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    authorities: [...input.authorities],
  };
}
