import type { FastifyInstance } from 'fastify';
import { requireTenant } from './context';
import type { TokenServiceContext } from './context';
import { authorizationServerMetadata } from './metadata';
import { tenantOnlySchema } from './schemas';

/** Metadata (RFC 8414, OpenID Connect Discovery location) and the JWKS (RFC 7517) of a tenant. */
export function discoveryRoutes(app: FastifyInstance, ctx: TokenServiceContext): void {
  const cacheControl = `public, max-age=${ctx.jwksMaxAgeSeconds}`;

  const metadata = async (request: { params: { tenant: string } }, reply: { header(name: string, value: string): unknown }) => {
    await requireTenant(ctx, request.params.tenant);
    reply.header('cache-control', cacheControl);
    return authorizationServerMetadata(ctx.issuers, request.params.tenant);
  };
  app.get<{ Params: { tenant: string } }>('/t/:tenant/.well-known/openid-configuration', { schema: tenantOnlySchema }, metadata);
  // RFC 8414 §3.1: the well-known suffix is inserted between host and the issuer's path.
  app.get<{ Params: { tenant: string } }>('/.well-known/oauth-authorization-server/t/:tenant', { schema: tenantOnlySchema }, metadata);

  app.get<{ Params: { tenant: string } }>('/t/:tenant/jwks', { schema: tenantOnlySchema }, async (request, reply) => {
    const keys = await requireTenant(ctx, request.params.tenant);
    // The max-age is part of the rotation contract: keys are published at least this long
    // before they sign (RotationPolicy.publicationDelaySeconds).
    reply.header('cache-control', cacheControl).type('application/jwk-set+json');
    return keys.jwks;
  });
}
