import type { FastifyInstance } from 'fastify';
import { holds } from '../authorities/admin-authorities';
import { epochSeconds } from '../support/clock';
import { clientAccountEvent } from './client-account-audit';
import { verifyAccessToken } from '../tokens/token-verifier';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { tokenOperationSchema } from './schemas';
import type { TokenOperationBody } from './schemas';

/**
 * RFC 7662 token introspection. The caller must be a client of this tenant (§2.1). Anything
 * that is not a valid, unexpired, unrevoked access token of this tenant is `active: false`
 * (§2.2), including a token another tenant signed: verification only considers this tenant's
 * keys and issuer.
 *
 * Who may read whose claims (§4 leaves it to the server; issue 13 §2): a resource server holding
 * `introspect` (or `tenant:admin`) any token of its tenant; any other client only its own tokens.
 * Another client's valid token is answered `active: false`, exactly like an invalid one, so a
 * client learns nothing about tokens it found; the refusal is audited as `denied`.
 */
export function introspectionRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenOperationBody }>(
    '/t/:tenant/introspect',
    { schema: tokenOperationSchema, config: { endpoint: 'introspect' } },
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
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

      const claims = verifyAccessToken(request.body.token, keys, { issuer, tenant: tenantId, nowSeconds: epochSeconds(ctx.clock) });
      // Revocation is read from the store on every call, never cached: a revoked token must be
      // inactive on every instance at once.
      const audit = (outcome: 'success' | 'denied') =>
        ctx.store.journal.record(clientAccountEvent(request, ctx, tenantId, client.clientId, 'token.introspect', claims?.jti ?? null, outcome));
      if (claims && claims.client_id !== client.clientId && !holds(client.authorities, tenantId, tenantId, 'introspect')) {
        await audit('denied');
        return { active: false };
      }
      await audit('success');
      if (!claims || (await ctx.store.isTokenRevoked(tenantId, claims.jti))) return { active: false };
      // A disabled or deleted client's tokens die with it (within the client cache's bound).
      if (!(await ctx.clients.findActive(tenantId, claims.client_id))) return { active: false };
      return {
        active: true,
        scope: claims.scope,
        client_id: claims.client_id,
        token_type: 'Bearer',
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: claims.jti,
        tenant: claims.tenant,
        authorities: claims.authorities,
      };
    },
  );
}
