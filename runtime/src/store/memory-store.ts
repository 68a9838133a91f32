import { ClientExists, TenantExists, TenantNotFound } from '../errors/resource-errors';
import { applyRotation } from './apply-rotation';
import type { GrantStore } from './grants/grant-store';
import { MemoryGrantStore } from './grants/memory-grant-store';
import type { IdentityStore, RotationPlan, RotationState, StoredClient, StoredSigningKey, TenantProfile } from './identity-store';

interface TenantRecord {
  displayName: string;
  keys: StoredSigningKey[];
  clients: Map<string, StoredClient>;
  /** jti → expiry (ms) */
  revoked: Map<string, number>;
  /** clientId\0jti → expiry (ms) */
  assertionIds: Map<string, number>;
}

/**
 * The embedded store behind `npm start`: everything lives in this process and is gone on exit.
 * Every method validates fully before it mutates, so a thrown error leaves nothing half-written,
 * matching the transactions of PostgresStore.
 */
export class MemoryStore implements IdentityStore {
  readonly #tenants = new Map<string, TenantRecord>();
  /** Authorization grants, codes and refresh tokens. */
  readonly grants: GrantStore = new MemoryGrantStore();

  async ping(): Promise<void> {}

  async createTenant(tenantId: string, keys: { active: StoredSigningKey; next: StoredSigningKey }, _at?: Date, profile?: TenantProfile): Promise<void> {
    if (this.#tenants.has(tenantId)) throw new TenantExists(tenantId);
    this.#tenants.set(tenantId, {
      displayName: profile?.displayName ?? tenantId,
      keys: [copyKey(keys.active), copyKey(keys.next)],
      clients: new Map(),
      revoked: new Map(),
      assertionIds: new Map(),
    });
  }

  async findTenantProfile(tenantId: string): Promise<TenantProfile | undefined> {
    const tenant = this.#tenants.get(tenantId);
    return tenant ? { displayName: tenant.displayName } : undefined;
  }

  async anyTenantId(): Promise<string | undefined> {
    return this.#tenants.keys().next().value;
  }

  async findSigningKeys(tenantId: string): Promise<StoredSigningKey[] | undefined> {
    return this.#tenants.get(tenantId)?.keys.map(copyKey);
  }

  async rotateSigningKeys(tenantId: string, plan: (state: RotationState) => RotationPlan): Promise<StoredSigningKey[]> {
    const tenant = this.#tenant(tenantId);
    let maxAccessTokenTtl = 0;
    for (const client of tenant.clients.values()) maxAccessTokenTtl = Math.max(maxAccessTokenTtl, client.accessTokenTtl);
    const decided = plan({ keys: tenant.keys.map(copyKey), maxAccessTokenTtl });
    tenant.keys = applyRotation(tenant.keys, decided).map(copyKey);
    return tenant.keys.map(copyKey);
  }

  async createClient(client: StoredClient): Promise<void> {
    const tenant = this.#tenant(client.tenantId);
    if (tenant.clients.has(client.clientId)) throw new ClientExists(client.clientId);
    tenant.clients.set(client.clientId, copyClient(client));
  }

  async findClient(tenantId: string, clientId: string): Promise<StoredClient | undefined> {
    const client = this.#tenants.get(tenantId)?.clients.get(clientId);
    return client && copyClient(client);
  }

  async revokeToken(tenantId: string, jti: string, expiresAt: Date): Promise<void> {
    this.#tenant(tenantId).revoked.set(jti, expiresAt.getTime());
  }

  async isTokenRevoked(tenantId: string, jti: string): Promise<boolean> {
    return this.#tenants.get(tenantId)?.revoked.has(jti) ?? false;
  }

  async consumeAssertionId(tenantId: string, clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const ids = this.#tenant(tenantId).assertionIds;
    const key = `${clientId}\0${jti}`;
    if (ids.has(key)) return false;
    ids.set(key, expiresAt.getTime());
    return true;
  }

  async purgeExpired(now: Date): Promise<void> {
    const t = now.getTime();
    for (const tenant of this.#tenants.values()) {
      for (const [jti, exp] of tenant.revoked) if (exp <= t) tenant.revoked.delete(jti);
      for (const [id, exp] of tenant.assertionIds) if (exp <= t) tenant.assertionIds.delete(id);
      tenant.keys = tenant.keys.filter((k) => k.status !== 'retired' || (k.retainUntil?.getTime() ?? 0) > t);
    }
    await this.grants.purgeExpiredGrants(now);
  }

  async close(): Promise<void> {}

  #tenant(tenantId: string): TenantRecord {
    const tenant = this.#tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    return tenant;
  }
}

// Callers get copies so that nothing outside the store can mutate stored state.
function copyKey(key: StoredSigningKey): StoredSigningKey {
  return { ...key, publicJwk: { ...key.publicJwk }, sealedPrivateKey: key.sealedPrivateKey && Buffer.from(key.sealedPrivateKey) };
}

function copyClient(client: StoredClient): StoredClient {
  return {
    ...client,
    secretHash: client.secretHash && Buffer.from(client.secretHash),
    jwks: client.jwks && structuredClone(client.jwks),
    scopes: [...client.scopes],
    resources: [...client.resources],
    grantTypes: [...client.grantTypes],
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...client.postLogoutRedirectUris],
  };
}
