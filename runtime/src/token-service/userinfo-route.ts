import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { epochSeconds } from '../support/clock';
import { verifyAccessToken } from '../tokens/token-verifier';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { tenantOnlySchema } from './schemas';

/**
 * OIDC Core §5.3 UserInfo, a protected resource (RFC 6750): the bearer token comes in the
 * Authorization header only (§2.1; never in a query, §2.3), must be one of this tenant's user
 * access tokens, unrevoked, with the `openid` scope. Claims follow the granted scopes (§5.4).
 */
export function userinfoRoute(app: FastifyInstance, ctx: TokenServiceContext): void {
  const handler = async (request: FastifyRequest<{ Params: { tenant: string } }>, reply: FastifyReply) => {
    const tenantId = request.params.tenant;
    const keys = await requireTenant(ctx, tenantId);
    const issuer = ctx.issuers.issuer(tenantId);
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const challenge = (error?: string, description?: string) => {
      const parts = [`Bearer realm="${issuer}"`];
      if (error) parts.push(`error="${error}"`);
      if (description) parts.push(`error_description="${description}"`);
      return parts.join(', ');
    };
    const header = request.headers.authorization;
    const token = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    if (token === undefined) {
      // RFC 6750 §3.1: no error code when the request carried no token at all.
      return reply.code(401).header('www-authenticate', challenge()).send({ error: 'invalid_request', error_description: 'a bearer access token is required' });
    }
    const claims = verifyAccessToken(token, keys, { issuer, tenant: tenantId, nowSeconds: epochSeconds(ctx.clock) });
    const invalid = () =>
      reply.code(401).header('www-authenticate', challenge('invalid_token', 'the access token is invalid, expired or revoked')).send({ error: 'invalid_token', error_description: 'the access token is invalid, expired or revoked' });
    // A user's token carries auth_time; a client_credentials token has no user to describe.
    if (!claims || typeof claims.auth_time !== 'number' || (await ctx.store.isTokenRevoked(tenantId, claims.jti))) return invalid();
    if (!(await ctx.clients.findActive(tenantId, claims.client_id))) return invalid();
    const scopes = (claims.scope ?? '').split(' ');
    if (!scopes.includes('openid')) {
      return reply.code(403).header('www-authenticate', challenge('insufficient_scope')).send({ error: 'insufficient_scope', error_description: 'the access token lacks the openid scope' });
    }
    const user = await ctx.users.findUserById(tenantId, claims.sub);
    if (!user || user.status !== 'active') return invalid();
    return {
      sub: user.id,
      ...(scopes.includes('profile') ? { preferred_username: user.username, ...(user.name === null ? {} : { name: user.name }), updated_at: Math.floor(user.updatedAt.getTime() / 1000) } : {}),
      // Addresses are not verified by this service (no e-mail or SMS loop yet), so email_verified is false.
      ...(scopes.includes('email') && user.email !== null ? { email: user.email, email_verified: false } : {}),
      ...(scopes.includes('phone') && user.phone !== null ? { phone_number: user.phone, phone_number_verified: false } : {}),
    };
  };
  app.get('/t/:tenant/userinfo', { schema: tenantOnlySchema }, handler);
  app.post('/t/:tenant/userinfo', { schema: tenantOnlySchema }, handler);
}
