import type { FastifyInstance } from 'fastify';
import { UnsupportedGrantType } from '../errors/oauth-errors';
import { epochSeconds } from '../support/clock';
import { issueAccessToken } from '../tokens/client-credentials';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { tokenRequestSchema } from './schemas';
import type { TokenRequestBody } from './schemas';

/**
 * RFC 6749 §4.4 client credentials grant. The route reads the request (tenant, grant type,
 * client authentication) and writes the response; what the token says is decided in tokens/.
 */
export function tokenRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenRequestBody }>(
    '/t/:tenant/token',
    { schema: tokenRequestSchema, config: { endpoint: 'token' } },
    async (request, reply) => {
      const tenantId = request.params.tenant;
      const keys = await requireTenant(ctx, tenantId);
      const body = request.body;
      // RFC 6749 §5.2: a grant type this server does not support.
      if (body.grant_type !== 'client_credentials') {
        throw new UnsupportedGrantType('only the client_credentials grant is supported');
      }
      const issuer = ctx.issuers.issuer(tenantId);
      const tokenEndpoint = ctx.issuers.endpoint(tenantId, 'token');
      const client = await ctx.authenticator.authenticate({
        tenantId,
        issuer,
        tokenEndpoint,
        endpoint: tokenEndpoint,
        authorization: request.headers.authorization,
        params: body,
      });
      const response = issueAccessToken(
        { issuer, tenantId, client, scope: body.scope, resource: body.resource },
        keys.signer,
        epochSeconds(ctx.clock),
      );
      ctx.metrics.tokensIssued.inc({ tenant: tenantId });
      request.log.debug({ tenant: tenantId, client_id: client.clientId, kid: keys.signer.kid }, 'access token issued');

      // RFC 6749 §5.1: responses with tokens must not be cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return response;
    },
  );
}
