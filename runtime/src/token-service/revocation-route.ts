import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../support/clock';
import { clientAccountEvent } from './client-account-audit';
import { verifyAccessToken } from '../tokens/token-verifier';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { tokenOperationSchema } from './schemas';
import type { TokenOperationBody } from './schemas';

/**
 * RFC 7009 token revocation. Invalid, expired, foreign or already revoked tokens get 200
 * (§2.2: "invalid tokens do not cause an error response"); token_type_hint is ignored, as §2.1
 * permits, since access tokens are the only kind issued. A valid token of another client is left
 * alone (§2.1: the server "verifies whether the token was issued to the client making the
 * revocation request") but answered exactly like an invalid one: an error would tell any client
 * of the tenant that a token it found is valid, and whose it is.
 */
export function revocationRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenOperationBody }>(
    '/t/:tenant/revoke',
    { schema: tokenOperationSchema, config: { endpoint: 'revoke' } },
    async (request, reply) => {
      const tenantId = request.params.tenant;
      const keys = await requireTenant(ctx, tenantId);
      const issuer = ctx.issuers.issuer(tenantId);
      const client = await ctx.authenticator.authenticate({
        tenantId,
        issuer,
        authorization: request.headers.authorization,
        params: request.body,
      });
      const claims = verifyAccessToken(request.body.token, keys, { issuer, tenant: tenantId, nowSeconds: epochSeconds(ctx.clock) });
      const event = (outcome: 'success' | 'denied') => clientAccountEvent(request, ctx, tenantId, client.clientId, 'token.revoke', claims?.jti ?? null, outcome);
      if (claims && claims.client_id !== client.clientId) {
        request.log.warn({ tenant: tenantId, client_id: client.clientId, reason: 'token of another client' }, 'revocation ignored');
        await ctx.store.journal.record(event('denied'));
      } else if (claims) {
        // Kept until the token would have expired anyway; after that, expiry alone rejects it.
        await ctx.store.revokeToken(tenantId, claims.jti, new Date(claims.exp * 1000), event('success'));
        request.log.info({ tenant: tenantId, client_id: client.clientId, jti: claims.jti }, 'access token revoked');
      } else {
        await ctx.store.journal.record(event('success'));
      }
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache').code(200).send();
    },
  );
}
