import type { FastifyInstance } from 'fastify';
import { InvalidClient, UnsupportedGrantType } from '../errors/oauth-errors';
import { signInLog } from '../sign-in-protection/sign-in-log';
import type { ClientGrantType } from '../store/identity-store';
import { epochSeconds } from '../support/clock';
import { issueAccessToken } from '../tokens/client-credentials';
import { redeemAuthorizationCode } from './authorization-code-grant';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { UnauthorizedClient } from './grant-errors';
import { refreshGrant } from './refresh-token-grant';
import { tokenRequestSchema } from './schemas';
import type { TokenRequestBody } from './schemas';
import { TooManyAttempts } from './too-many-attempts';

const GRANT_TYPES: ReadonlySet<string> = new Set<ClientGrantType>(['client_credentials', 'authorization_code', 'refresh_token']);

/**
 * The token endpoint: RFC 6749 §4.4 client credentials, §4.1.3 authorization code (with PKCE,
 * RFC 7636) and §6 refresh (with rotation). The route reads the request (tenant, grant type,
 * client authentication) and writes the response; what the tokens say is decided in tokens/.
 *
 * A blocked client IP is refused before any work (429), and failed client authentication
 * counts against the IP like a failed sign-in (issue 12 item 4). The guard's check is served
 * from a short per-replica cache, so the client_credentials path stays one signature per request.
 */
export function tokenRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  app.post<{ Params: { tenant: string }; Body: TokenRequestBody }>(
    '/t/:tenant/token',
    { schema: tokenRequestSchema, config: { endpoint: 'token' } },
    async (request, reply) => {
      const tenantId = request.params.tenant;
      const keys = await requireTenant(ctx, tenantId);
      const body = request.body;
      const grantType = body.grant_type;
      // RFC 6749 §5.2: a grant type this server does not support.
      if (!GRANT_TYPES.has(grantType)) {
        throw new UnsupportedGrantType('supported grant types are client_credentials, authorization_code and refresh_token');
      }
      const ip = ctx.clientIpOf(request);
      const block = await ctx.guard.check(tenantId, ip, new Date(ctx.clock.now()));
      if (block.blocked) throw new TooManyAttempts(block.retryAfterSeconds);

      const issuer = ctx.issuers.issuer(tenantId);
      let client;
      try {
        client = await ctx.authenticator.authenticate({
          tenantId,
          issuer,
          authorization: request.headers.authorization,
          params: body,
          allowPublic: grantType !== 'client_credentials',
        });
      } catch (error) {
        if (error instanceof InvalidClient) {
          const account = presentedClientId(request.headers.authorization, body.client_id);
          const at = new Date(ctx.clock.now());
          await ctx.guard.recordFailure({ tenantId, ip, accountKey: ctx.pseudonyms.of(tenantId, account), kind: 'client_authentication' }, at);
          signInLog(request.log, ctx.pseudonyms, { tenantId, ip, outcome: 'failure', reason: 'invalid_client', account, kind: 'client_authentication' });
        }
        throw error;
      }
      // RFC 7591 §2 grant_types: a client uses only the grants it registered.
      if (!client.grantTypes.includes(grantType as ClientGrantType)) {
        throw new UnauthorizedClient(`the client is not registered for the ${grantType} grant`);
      }
      // RFC 6749 §5.1: responses with tokens must not be cached.
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

      if (grantType === 'authorization_code') {
        const response = await redeemAuthorizationCode(ctx, { tenantId, keys, client, body });
        ctx.metrics.tokensIssued.inc({ grant_type: 'authorization_code' });
        return response;
      }
      if (grantType === 'refresh_token') {
        const response = await refreshGrant(ctx, { tenantId, keys, client, body });
        ctx.metrics.tokensIssued.inc({ grant_type: 'refresh_token' });
        return response;
      }
      const response = issueAccessToken({ issuer, tenantId, client, scope: body.scope, resource: body.resource }, keys.signer, epochSeconds(ctx.clock));
      ctx.metrics.tokensIssued.inc({ grant_type: 'client_credentials' });
      request.log.debug({ tenant: tenantId, client_id: client.clientId, kid: keys.signer.kid }, 'access token issued');
      return response;
    },
  );
}

/** The client id a failed authentication claimed, for the per-account counter and the log (as a keyed hash). */
function presentedClientId(authorization: string | undefined, bodyClientId: string | undefined): string {
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const decoded = Buffer.from(authorization.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return decoded.slice(0, colon);
  }
  return bodyClientId ?? '';
}
