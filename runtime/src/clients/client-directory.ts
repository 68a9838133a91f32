import { createLocalJWKSet } from 'jose';
import type { JWTVerifyGetKey } from 'jose';
import type { IdentityStore, StoredClient } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TtlCache } from '../support/ttl-cache';
import { isTenantId } from '../identifiers/tenant-id';
import { CLIENT_ID } from './client-registration';
import { jwksDocument, jwksPurpose } from './client-jwks';
import type { SigningKeySealer } from '../keys/signing-key-sealer';

/** A stored client plus what authenticating it needs, prepared once per cache load. */
export interface KnownClient extends StoredClient {
  /** private_key_jwt clients: their registered keys, as a jose key resolver. */
  keys?: JWTVerifyGetKey;
}

/**
 * Client lookups from memory. "Not found" is cached only briefly, so a client created on another
 * instance works within seconds. A disable, delete, secret rotation or authority change is
 * honoured at once by the instance that made it (forget()) and by every other instance within
 * `cacheSeconds` (CLIENT_CACHE_SECONDS, default 30): the bound the admin API states. The one
 * exception is a store outage starting inside that window, when the last loaded record keeps
 * serving (TtlCache) until the store answers again.
 */
export class ClientDirectory {
  readonly #cache: TtlCache<KnownClient>;

  constructor(options: {
    store: IdentityStore;
    clock: Clock;
    cacheSeconds: number;
    onStaleServed?: (error: unknown) => void;
    /** Checks registered JWKS (issue 14 §7); a JWKS that fails is not used. */
    sealer: Pick<SigningKeySealer, 'verifyDocument'>;
    /** Hears of a JWKS left unused because its attestation failed. */
    onRejectedJwks?: (tenantId: string, clientId: string) => void;
  }) {
    this.#cache = new TtlCache<KnownClient>({
      clock: options.clock,
      ttlMs: options.cacheSeconds * 1000,
      missTtlMs: Math.min(options.cacheSeconds, 2) * 1000,
      maxEntries: 50_000,
      onStaleServed: options.onStaleServed,
      load: async (key) => {
        const [tenantId, clientId] = JSON.parse(key) as [string, string];
        const client = await options.store.findClient(tenantId, clientId);
        if (!client) return undefined;
        if (!client.jwks) return client;
        const attested =
          client.jwksAttestation !== null && (await options.sealer.verifyDocument(client.jwksAttestation, tenantId, jwksPurpose(clientId), jwksDocument(client.jwks)));
        if (!attested) {
          // Written around the runtime: the client keeps its record, but no key of that JWKS verifies anything.
          options.onRejectedJwks?.(tenantId, clientId);
          return client;
        }
        return { ...client, keys: createLocalJWKSet(client.jwks as never) };
      },
    });
  }

  /**
   * The client, or undefined for an id no client can have. Ids are checked against the alphabets
   * registration enforces (CLIENT_ID, TENANT_ID) before the cache or the store sees them: once,
   * the cache key `<tenant>\0<client>` was split again on NUL, so `client\0junk` loaded `client`.
   */
  async find(tenantId: string, clientId: string): Promise<KnownClient | undefined> {
    if (!isClientId(clientId) || !isTenantId(tenantId)) return undefined;
    return this.#cache.get(cacheKey(tenantId, clientId));
  }

  /** The client unless it is unknown or disabled: what every OAuth endpoint may serve. */
  async findActive(tenantId: string, clientId: string): Promise<KnownClient | undefined> {
    const client = await this.find(tenantId, clientId);
    return client && client.disabledAt === null ? client : undefined;
  }

  /** After this instance creates or changes a client, so a cached record does not hide the change. */
  forget(tenantId: string, clientId: string): void {
    this.#cache.delete(cacheKey(tenantId, clientId));
  }
}

/** Whether a string can be a registered client id: no control characters, no separators, at most 128 characters. */
export function isClientId(value: string): boolean {
  return CLIENT_ID.test(value);
}

/** JSON, not a separator: no id can make one key read as another. */
function cacheKey(tenantId: string, clientId: string): string {
  return JSON.stringify([tenantId, clientId]);
}
