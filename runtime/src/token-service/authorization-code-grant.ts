import { verifiesS256 } from '../authorize/pkce';
import type { KnownClient } from '../clients/client-directory';
import { InvalidRequest } from '../errors/oauth-errors';
import type { TenantKeys } from '../keys/tenant-keys';
import { hashOpaqueToken } from '../tokens/opaque-token';
import type { TokenServiceContext } from './context';
import { InvalidGrant } from './grant-errors';
import type { TokenRequestBody } from './schemas';
import { grantUser, mintRefreshToken, revokeGrant, userTokens } from './user-tokens';
import type { UserTokenResponse } from './user-tokens';

/**
 * RFC 6749 §4.1.3 with RFC 7636 §4.5–4.6: redeems an authorization code. The code is spent by
 * the first attempt whatever its outcome; a second presentation revokes the grant and every
 * token issued from it (RFC 6749 §4.1.2: "If an authorization code is used more than once ...
 * SHOULD revoke (when possible) all tokens previously issued based on that authorization code").
 */
export async function redeemAuthorizationCode(
  ctx: TokenServiceContext,
  input: { tenantId: string; keys: TenantKeys; client: KnownClient; body: TokenRequestBody },
): Promise<UserTokenResponse> {
  const { tenantId, client, body } = input;
  if (body.code === undefined) throw new InvalidRequest("missing required parameter 'code'");
  if (body.redirect_uri === undefined) throw new InvalidRequest("missing required parameter 'redirect_uri'");
  if (body.code_verifier === undefined) throw new InvalidRequest("missing required parameter 'code_verifier' (PKCE is required, RFC 7636)");

  const at = new Date(ctx.clock.now());
  const redemption = await ctx.store.grants.redeemAuthorizationCode(tenantId, hashOpaqueToken(body.code), at);
  if (redemption.outcome === 'unknown') throw new InvalidGrant('the authorization code is invalid or expired', { detail: 'unknown code' });
  if (redemption.outcome === 'replayed') {
    await revokeGrant(ctx, tenantId, redemption.grantId);
    throw new InvalidGrant('the authorization code has already been used; the tokens issued from it are revoked', { detail: `code replayed; grant ${redemption.grantId} revoked` });
  }
  const { code, grant } = redemption;
  const refuse = async (description: string, detail: string): Promise<never> => {
    // The code is spent; its grant can never produce tokens, so it is closed for good.
    await revokeGrant(ctx, tenantId, grant.grantId);
    throw new InvalidGrant(description, { detail });
  };
  if (code.clientId !== client.clientId) await refuse('the authorization code was issued to another client', 'client mismatch');
  if (code.expiresAt.getTime() <= at.getTime()) await refuse('the authorization code is invalid or expired', 'code expired');
  // RFC 6749 §4.1.3: redirect_uri must be identical to the one in the authorization request.
  if (code.redirectUri !== body.redirect_uri) await refuse('redirect_uri does not match the authorization request', 'redirect_uri mismatch');
  if (!verifiesS256(body.code_verifier, code.codeChallenge)) await refuse('code_verifier does not match the code_challenge (RFC 7636 section 4.6)', 'PKCE mismatch');
  if (grant.revokedAt) throw new InvalidGrant('the authorization code is invalid or expired', { detail: 'grant revoked' });
  const user = await grantUser(ctx, grant);

  let refreshToken: string | undefined;
  if (client.grantTypes.includes('refresh_token')) {
    const minted = mintRefreshToken(grant);
    // False only when a replay revoked the grant in the meantime.
    if (!(await ctx.store.grants.addRefreshToken(minted.record, at))) throw new InvalidGrant('the authorization code has already been used', { detail: 'grant revoked during redemption' });
    refreshToken = minted.value;
  }
  return userTokens(ctx, { tenantId, keys: input.keys, client, grant, user, scopes: grant.scopes, nonce: code.nonce, refreshToken });
}
