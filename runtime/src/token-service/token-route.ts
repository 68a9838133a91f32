import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../lib/clock';
import { UnsupportedGrantType } from '../lib/errors';
import { audienceFor } from '../lib/resource-indicator';
import { grantedScopes } from '../lib/scope';
import type { FormParams } from '../lib/form-body';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { tokenRequestSchema } from './schemas';

interface TokenRequest {
  grant_type: string;
  scope?: string;
  resource?: string[];
}

/** RFC 6749 §4.4 client credentials grant, issuing RFC 9068 JWT access tokens. */
export function tokenRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenRequest }>(
    '/t/:tenant/token',
    { schema: tokenRequestSchema, config: { endpoint: 'token' } },
    async (request, reply) => {
      const tenantId = request.params.tenant;
      const keys = await requireTenant(ctx, tenantId);
      // RFC 6749 §5.2: a grant type this server does not support.
      if (request.body.grant_type !== 'client_credentials') {
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
        params: request.body as unknown as FormParams,
      });
      const scopes = grantedScopes(request.body.scope, client.scopes);
      const aud = audienceFor(request.body.resource, client);
      const scope = scopes.length > 0 ? scopes.join(' ') : undefined;

      const now = epochSeconds(ctx.clock);
      const accessToken = keys.signer.sign({
        iss: issuer,
        sub: client.clientId,
        aud,
        exp: now + client.accessTokenTtl,
        iat: now,
        jti: randomUUID(),
        client_id: client.clientId,
        ...(scope === undefined ? {} : { scope }),
        tenant: tenantId,
      });
      ctx.metrics.tokensIssued.inc({ tenant: tenantId });
      request.log.debug({ tenant: tenantId, client_id: client.clientId, kid: keys.signer.kid }, 'access token issued');

      // RFC 6749 §5.1: responses with tokens must not be cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return { access_token: accessToken, token_type: 'Bearer', expires_in: client.accessTokenTtl, ...(scope === undefined ? {} : { scope }) };
    },
  );
}
