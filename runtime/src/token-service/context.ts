import type { ClientAuthenticator } from '../clients/client-authenticator';
import { TenantNotFound } from '../errors/resource-errors';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { TenantKeys } from '../keys/tenant-keys';
import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import type { OAuthEndpoint, RuntimeMetrics } from '../support/runtime-metrics';
import type { IssuerUrls } from '../tenants/issuer-urls';
import { isTenantId } from '../tenants/tenant-id';

/** What the token service's routes need; passed as plugin options. */
export interface TokenServiceContext {
  store: IdentityStore;
  keyring: TenantKeyring;
  authenticator: ClientAuthenticator;
  issuers: IssuerUrls;
  metrics: RuntimeMetrics;
  clock: Clock;
  /** Largest accepted form body; a client assertion JWT is the biggest legitimate parameter. */
  bodyLimitBytes: number;
  /** Cache-Control max-age of the JWKS and metadata documents. */
  jwksMaxAgeSeconds: number;
}

/** The tenant's keys; a tenant exists exactly when it has keys. */
export async function requireTenant(ctx: TokenServiceContext, tenantId: string): Promise<TenantKeys> {
  // Validate before any lookup: a malformed id cannot exist, and must not reach the store.
  const keys = isTenantId(tenantId) ? await ctx.keyring.get(tenantId) : undefined;
  if (!keys) throw new TenantNotFound(tenantId);
  return keys;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which OAuth endpoint a route is, for metrics and logs. */
    endpoint?: OAuthEndpoint;
  }
}
