import type { FastifyRequest } from 'fastify';
import type { ClientAuthenticator } from '../clients/client-authenticator';
import type { ClientDirectory } from '../clients/client-directory';
import { TenantNotFound } from '../errors/resource-errors';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { TenantKeys } from '../keys/tenant-keys';
import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import type { OAuthEndpoint, RuntimeMetrics } from '../support/runtime-metrics';
import type { AccountPseudonyms } from '../sign-in-protection/account-pseudonyms';
import type { SignInGuard } from '../sign-in-protection/sign-in-guard';
import type { IssuerUrls } from '../tenants/issuer-urls';
import type { UserStore } from '../users/user-store';
import { isTenantId } from '../identifiers/tenant-id';

/** What the token service's routes need; passed as plugin options. */
export interface TokenServiceContext {
  store: IdentityStore;
  keyring: TenantKeyring;
  authenticator: ClientAuthenticator;
  /** Whether a token's client still exists and is enabled (introspection, userinfo). */
  clients: Pick<ClientDirectory, 'findActive'>;
  issuers: IssuerUrls;
  metrics: RuntimeMetrics;
  clock: Clock;
  /** Largest accepted form body; a client assertion JWT is the biggest legitimate parameter. */
  bodyLimitBytes: number;
  /** Cache-Control max-age of the JWKS and metadata documents. */
  jwksMaxAgeSeconds: number;
  /** Users, looked up by id when a grant is redeemed or refreshed, and by userinfo. */
  users: Pick<UserStore, 'findUserById'>;
  /** Per-IP blocking: a blocked IP gets 429; failed client authentication counts as a failure. */
  guard: SignInGuard;
  pseudonyms: AccountPseudonyms;
  /** The client IP through trusted proxies only (sign-in-protection/client-ip.ts). */
  clientIpOf(request: FastifyRequest): string;
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
