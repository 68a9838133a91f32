import type { KnownClient } from '../clients/client-directory';
import type { TenantKeys } from '../keys/tenant-keys';
import type { StoredGrant } from '../store/grants/grant-store';
import { epochSeconds } from '../support/clock';
import { idTokenClaims } from '../tokens/id-token';
import { newOpaqueToken } from '../tokens/opaque-token';
import { userAccessTokenClaims } from '../tokens/user-access-token';
import type { User } from '../users/user';
import type { TokenServiceContext } from './context';
import { InvalidGrant } from './grant-errors';

/** RFC 6749 §5.1 with OIDC Core §3.1.3.3's id_token. */
export interface UserTokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string | undefined;
  id_token?: string;
  refresh_token?: string;
}

/**
 * The tokens a user's grant earns at the token endpoint: an RFC 9068 access token for the user,
 * an ID token when `openid` was granted, and the refresh token the caller minted (already stored).
 * The access token's id is recorded with the grant, so revoking the grant revokes it too.
 */
export async function userTokens(
  ctx: TokenServiceContext,
  input: { tenantId: string; keys: TenantKeys; client: KnownClient; grant: StoredGrant; user: User; scopes: string[]; nonce: string | null; refreshToken?: string },
): Promise<UserTokenResponse> {
  const { tenantId, keys, client, grant, user } = input;
  const issuer = ctx.issuers.issuer(tenantId);
  const now = epochSeconds(ctx.clock);
  const claims = userAccessTokenClaims({ issuer, tenantId, client, userId: user.id, scopes: input.scopes, authTime: grant.authTime, authorities: user.authorities }, now);
  await ctx.store.grants.recordAccessToken(tenantId, grant.grantId, { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) });
  const response: UserTokenResponse = { access_token: keys.signer.sign(claims), token_type: 'Bearer', expires_in: client.accessTokenTtl, scope: claims.scope };
  if (input.scopes.includes('openid')) {
    response.id_token = keys.signer.signIdToken(idTokenClaims({ issuer, userId: user.id, clientId: client.clientId, authTime: grant.authTime, nonce: input.nonce }, now));
  }
  if (input.refreshToken !== undefined) response.refresh_token = input.refreshToken;
  return response;
}

/** The grant's user, who must still exist and be active: disabling a user ends their grants' use. */
export async function grantUser(ctx: TokenServiceContext, grant: StoredGrant): Promise<User> {
  const user = await ctx.users.findUserById(grant.tenantId, grant.userId);
  if (!user || user.status !== 'active') throw new InvalidGrant('the user of this grant is disabled or no longer exists', { detail: user ? 'user disabled' : 'user deleted' });
  return user;
}

/** Revokes a grant and every access token issued under it (RFC 6749 §4.1.2, RFC 9700 §4.14.2). */
export async function revokeGrant(ctx: TokenServiceContext, tenantId: string, grantId: string): Promise<void> {
  const at = new Date(ctx.clock.now());
  const accessTokens = await ctx.store.grants.revokeGrant(tenantId, grantId, at);
  for (const token of accessTokens) await ctx.store.revokeToken(tenantId, token.jti, token.expiresAt);
}

/** A fresh refresh token of the grant: the value for the client, the hash for the store. */
export function mintRefreshToken(grant: StoredGrant): { value: string; record: { tenantId: string; tokenHash: string; grantId: string; expiresAt: Date } } {
  const token = newOpaqueToken();
  // The absolute lifetime: a rotated token never outlives the grant.
  return { value: token.value, record: { tenantId: grant.tenantId, tokenHash: token.hash, grantId: grant.grantId, expiresAt: grant.expiresAt } };
}
