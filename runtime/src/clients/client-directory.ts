import { createLocalJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { IdentityStore, StoredClient } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TtlCache } from '../support/ttl-cache';

/** A stored client plus what authenticating it needs, prepared once per cache load. */
export interface KnownClient extends StoredClient {
  /** private_key_jwt clients: their registered keys, as a jose key resolver. */
  keys?: JWTVerifyGetKey;
}

/**
 * Client lookups from memory. Client records only change by being created, so a cached record
 * cannot grant more than the store would; "not found" is cached only briefly, so a client
 * created on another instance works within seconds.
 */
export class ClientDirectory {
  readonly #cache: TtlCache<KnownClient>;

  constructor(options: { store: IdentityStore; clock: Clock; cacheSeconds: number; onStaleServed?: (error: unknown) => void }) {
    this.#cache = new TtlCache<KnownClient>({
      clock: options.clock,
      ttlMs: options.cacheSeconds * 1000,
      missTtlMs: Math.min(options.cacheSeconds, 2) * 1000,
      maxEntries: 50_000,
      onStaleServed: options.onStaleServed,
      load: async (key) => {
        const [tenantId, clientId] = key.split('\0') as [string, string];
        const client = await options.store.findClient(tenantId, clientId);
        if (!client) return undefined;
        return client.jwks ? { ...client, keys: createLocalJWKSet(client.jwks as never) } : client;
      },
    });
  }

  find(tenantId: string, clientId: string): Promise<KnownClient | undefined> {
    return this.#cache.get(`${tenantId}\0${clientId}`);
  }

  /** After this instance creates a client, so a cached "not found" does not hide it. */
  forget(tenantId: string, clientId: string): void {
    this.#cache.delete(`${tenantId}\0${clientId}`);
  }
}
