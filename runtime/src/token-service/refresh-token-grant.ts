import type { KnownClient } from '../clients/client-directory';
import { InvalidRequest, InvalidScope } from '../errors/oauth-errors';
import type { TenantKeys } from '../keys/tenant-keys';
import { hashOpaqueToken, newOpaqueToken } from '../tokens/opaque-token';
import type { TokenServiceContext } from './context';
import { InvalidGrant } from './grant-errors';
import type { TokenRequestBody } from './schemas';
import { grantUser, revokeGrant, userTokens } from './user-tokens';
import type { UserTokenResponse } from './user-tokens';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): every use returns a new refresh token and spends
 * the old one; presenting a spent one means two parties hold the token, so the whole grant is
 * revoked, including the current refresh token and the access tokens issued under it.
 */
export async function refreshGrant(
  ctx: TokenServiceContext,
  input: { tenantId: string; keys: TenantKeys; client: KnownClient; body: TokenRequestBody },
): Promise<UserTokenResponse> {
  const { tenantId, client, body } = input;
  if (body.refresh_token === undefined) throw new InvalidRequest("missing required parameter 'refresh_token'");
  // RFC 6749 §6: a narrower scope may be asked for, never a broader one; checked by the store
  // before it rotates, so a refused request leaves the client's refresh token usable.
  const requested = body.scope === undefined ? [] : [...new Set(body.scope.split(' ').filter((s) => s !== ''))];
  const next = newOpaqueToken();
  const rotation = await ctx.store.grants.rotateRefreshToken(tenantId, client.clientId, hashOpaqueToken(body.refresh_token), next.hash, new Date(ctx.clock.now()), requested);
  if (rotation.outcome === 'reused') {
    await revokeGrant(ctx, tenantId, rotation.grantId);
    throw new InvalidGrant('the refresh token was already used; the grant is revoked', { detail: `refresh token reuse; grant ${rotation.grantId} revoked` });
  }
  if (rotation.outcome === 'invalid') throw new InvalidGrant('the refresh token is invalid, expired or revoked', { detail: 'unknown, expired, revoked, or of another client' });
  if (rotation.outcome === 'scope_exceeded') throw new InvalidScope(`scope "${rotation.scope}" was not granted to this refresh token`);
  const { grant } = rotation;
  const user = await grantUser(ctx, grant);
  const scopes = requested.length > 0 ? requested : grant.scopes;
  // OIDC Core §12.2: the ID token of a refresh carries no nonce.
  return userTokens(ctx, { tenantId, keys: input.keys, client, grant, user, scopes, nonce: null, refreshToken: next.value });
}
