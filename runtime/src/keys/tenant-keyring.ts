import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TtlCache } from '../support/ttl-cache';
import type { SigningKeySealer } from './signing-key-sealer';
import { TenantKeys } from './tenant-keys';

export interface TenantKeyringOptions {
  store: IdentityStore;
  sealer: SigningKeySealer;
  /** Hears of keys left out because their attestation failed. */
  onRejectedKey?: (tenantId: string, kid: string, why: string) => void;
  clock: Clock;
  /**
   * How long a tenant's keys are served from memory. Bounds how long another instance keeps
   * signing with a key after a rotation, which is why rotation retains retired keys this much
   * longer than the longest token TTL.
   */
  cacheSeconds: number;
  onStaleServed?: (error: unknown) => void;
}

/** Per-tenant keys for every request, without a database round trip per request. */
export class TenantKeyring {
  readonly cacheSeconds: number;
  readonly #cache: TtlCache<TenantKeys>;
  readonly #options: TenantKeyringOptions;

  constructor(options: TenantKeyringOptions) {
    this.cacheSeconds = options.cacheSeconds;
    this.#options = options;
    this.#cache = new TtlCache<TenantKeys>({
      clock: options.clock,
      ttlMs: options.cacheSeconds * 1000,
      // Unknown tenants are remembered briefly so a flood of made-up names does not reach the
      // database per request, while a tenant created on another instance appears within 2 s.
      missTtlMs: Math.min(options.cacheSeconds, 2) * 1000,
      maxEntries: 10_000,
      onStaleServed: options.onStaleServed,
      load: async (tenantId) => {
        const [stored, profile] = await Promise.all([options.store.findSigningKeys(tenantId), options.store.findTenantProfile(tenantId)]);
        // A disabled tenant (issue 13 §3) is served as no tenant: no tokens, no JWKS, no metadata.
        if (profile?.disabled) return undefined;
        return stored && TenantKeys.open(tenantId, stored, options.sealer, options.clock, (kid, why) => options.onRejectedKey?.(tenantId, kid, why));
      },
    });
  }

  /** The tenant's keys, or undefined when the tenant does not exist or is disabled. */
  get(tenantId: string): Promise<TenantKeys | undefined> {
    return this.#cache.get(tenantId);
  }

  /** After a change made by this instance, so it is visible here at once. */
  invalidate(tenantId: string): void {
    this.#cache.delete(tenantId);
  }

  /**
   * Readiness: loads one tenant's keys from the store, beside the cache, opens them and signs.
   * Fails when the store is unreachable or the key-encryption key cannot open the keys.
   */
  async check(): Promise<void> {
    const { store, sealer, clock } = this.#options;
    const tenantId = await store.anyTenantId();
    if (tenantId === undefined) return; // no tenants yet: nothing to sign for
    const stored = await store.findSigningKeys(tenantId);
    if (!stored) return; // deleted between the two reads
    const keys = await TenantKeys.open(tenantId, stored, sealer, clock);
    keys.signer.sign({ iss: 'readiness', sub: 'readiness', aud: 'readiness', exp: 0, iat: 0, jti: 'readiness', client_id: 'readiness', tenant: tenantId });
  }
}
