import type { IdentityStore, TenantSummary } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TtlCache } from '../support/ttl-cache';

/**
 * Tenant profiles for the hosted pages, read through a short cache: a sign-in page
 * should not cost a database round trip for a name that changes rarely.
 */
export class TenantProfiles {
  readonly #cache: TtlCache<TenantSummary>;

  constructor(options: { store: IdentityStore; clock: Clock; cacheSeconds: number }) {
    this.#cache = new TtlCache<TenantSummary>({
      clock: options.clock,
      ttlMs: options.cacheSeconds * 1000,
      missTtlMs: Math.min(options.cacheSeconds, 2) * 1000,
      maxEntries: 10_000,
      load: (tenantId) => options.store.findTenantProfile(tenantId),
    });
  }

  get(tenantId: string): Promise<TenantSummary | undefined> {
    return this.#cache.get(tenantId);
  }

  /** After this replica changed the tenant: others see the change within cacheSeconds. */
  forget(tenantId: string): void {
    this.#cache.delete(tenantId);
  }
}
