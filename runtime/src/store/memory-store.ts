import type { UnchainedAuditEvent } from '../audit/audit-event';
import { ClientExists, ClientNotFound, TenantExists, TenantNotFound } from '../errors/resource-errors';
import { MemoryAuditJournal } from './audit/memory-audit-journal';
import { applyRotation } from './apply-rotation';
import type { GrantStore } from './grants/grant-store';
import { MemoryGrantStore } from './grants/memory-grant-store';
import type {
  ClientChange,
  CustomerMoveState,
  IdentityStore,
  NewTenantProfile,
  RevocationPlan,
  RotationPlan,
  RotationState,
  StoredClient,
  StoredSigningKey,
  TenantChange,
  TenantSummary,
} from './identity-store';

interface TenantRecord {
  displayName: string;
  customer: string | null;
  kmsKeyAlias: string | null;
  move: CustomerMoveState | null;
  createdAt: Date;
  disabledAt: Date | null;
  signInPolicy: Record<string, number>;
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
  readonly journal = new MemoryAuditJournal();

  async ping(): Promise<void> {}

  async createTenant(tenantId: string, keys: { active: StoredSigningKey; next: StoredSigningKey }, at: Date = new Date(), profile?: NewTenantProfile, audit?: UnchainedAuditEvent): Promise<void> {
    if (this.#tenants.has(tenantId)) throw new TenantExists(tenantId);
    this.#tenants.set(tenantId, {
      displayName: profile?.displayName ?? tenantId,
      customer: profile?.customer ?? null,
      kmsKeyAlias: profile?.kmsKeyAlias ?? null,
      move: null,
      createdAt: at,
      disabledAt: null,
      signInPolicy: {},
      keys: [copyKey(keys.active), copyKey(keys.next)],
      clients: new Map(),
      revoked: new Map(),
      assertionIds: new Map(),
    });
    await this.#audit(audit);
  }

  async findTenantProfile(tenantId: string): Promise<TenantSummary | undefined> {
    const tenant = this.#tenants.get(tenantId);
    return tenant && summary(tenantId, tenant);
  }

  async listTenants(page: { after?: string; limit: number }): Promise<TenantSummary[]> {
    return [...this.#tenants.keys()]
      .filter((id) => id > (page.after ?? ''))
      .sort()
      .slice(0, page.limit)
      .map((id) => summary(id, this.#tenants.get(id)!));
  }

  async updateTenant(tenantId: string, change: TenantChange, audit?: UnchainedAuditEvent): Promise<TenantSummary> {
    const tenant = this.#tenant(tenantId);
    if (change.signInPolicy !== undefined) tenant.signInPolicy = { ...change.signInPolicy };
    if (change.disabledAt !== undefined && tenant.disabledAt === null) tenant.disabledAt = change.disabledAt;
    if (change.move !== undefined) tenant.move = change.move && { ...change.move };
    if (change.customer) ({ customer: tenant.customer, kmsKeyAlias: tenant.kmsKeyAlias } = change.customer);
    await this.#audit(audit);
    return summary(tenantId, tenant);
  }

  async anyTenantId(): Promise<string | undefined> {
    return this.#tenants.keys().next().value;
  }

  async findSigningKeys(tenantId: string): Promise<StoredSigningKey[] | undefined> {
    return this.#tenants.get(tenantId)?.keys.map(copyKey);
  }

  async rotateSigningKeys(tenantId: string, plan: (state: RotationState) => RotationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    const tenant = this.#tenant(tenantId);
    let maxAccessTokenTtl = 0;
    for (const client of tenant.clients.values()) maxAccessTokenTtl = Math.max(maxAccessTokenTtl, client.accessTokenTtl);
    const decided = plan({ keys: tenant.keys.map(copyKey), maxAccessTokenTtl });
    tenant.keys = applyRotation(tenant.keys, decided).map(copyKey);
    await this.#audit(audit);
    return tenant.keys.map(copyKey);
  }

  async revokeSigningKey(tenantId: string, plan: (keys: StoredSigningKey[]) => RevocationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    const tenant = this.#tenant(tenantId);
    const decided = plan(tenant.keys.map(copyKey));
    const keys = tenant.keys.filter((k) => k.kid !== decided.remove).map(copyKey);
    for (const key of keys) {
      if (key.kid === decided.activate && key.status === 'next') Object.assign(key, { status: 'active', activatedAt: decided.at });
    }
    if (decided.publish) keys.push(copyKey(decided.publish));
    tenant.keys = keys;
    await this.#audit(audit);
    return tenant.keys.map(copyKey);
  }

  async createClient(client: StoredClient, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenant(client.tenantId);
    if (tenant.clients.has(client.clientId)) throw new ClientExists(client.clientId);
    tenant.clients.set(client.clientId, copyClient(client));
    await this.#audit(audit);
  }

  async listClients(tenantId: string, page: { after?: string; limit: number }): Promise<StoredClient[]> {
    const clients = this.#tenants.get(tenantId)?.clients;
    if (!clients) return [];
    return [...clients.keys()]
      .filter((id) => id > (page.after ?? ''))
      .sort()
      .slice(0, page.limit)
      .map((id) => copyClient(clients.get(id)!));
  }

  async updateClient(tenantId: string, clientId: string, change: ClientChange, audit?: UnchainedAuditEvent): Promise<StoredClient> {
    const client = this.#tenants.get(tenantId)?.clients.get(clientId);
    if (!client) throw new ClientNotFound(clientId);
    if (change.secretHash !== undefined) client.secretHash = Buffer.from(change.secretHash);
    if (change.authorities !== undefined) client.authorities = [...change.authorities];
    if (change.disabledAt !== undefined) client.disabledAt = change.disabledAt;
    if (change.jwksAttestation !== undefined && client.jwksAttestation === null) client.jwksAttestation = Buffer.from(change.jwksAttestation);
    await this.#audit(audit);
    return copyClient(client);
  }

  async deleteClient(tenantId: string, clientId: string, audit?: UnchainedAuditEvent): Promise<void> {
    const clients = this.#tenants.get(tenantId)?.clients;
    if (!clients?.delete(clientId)) throw new ClientNotFound(clientId);
    await this.#audit(audit);
  }

  async findClient(tenantId: string, clientId: string): Promise<StoredClient | undefined> {
    const client = this.#tenants.get(tenantId)?.clients.get(clientId);
    return client && copyClient(client);
  }

  async revokeToken(tenantId: string, jti: string, expiresAt: Date, audit?: UnchainedAuditEvent): Promise<void> {
    this.#tenant(tenantId).revoked.set(jti, expiresAt.getTime());
    await this.#audit(audit);
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

  async findUnattestedSigningKeys(): Promise<Array<{ tenantId: string; key: StoredSigningKey }>> {
    return [...this.#tenants].flatMap(([tenantId, tenant]) => tenant.keys.filter((k) => k.attestation === null).map((key) => ({ tenantId, key: copyKey(key) })));
  }

  async findClientsWithUnattestedJwks(): Promise<StoredClient[]> {
    return [...this.#tenants.values()].flatMap((tenant) => [...tenant.clients.values()].filter((c) => c.jwks !== null && c.jwksAttestation === null).map(copyClient));
  }

  async setAttestation(tenantId: string, kid: string, attestation: Buffer): Promise<void> {
    const key = this.#tenants.get(tenantId)?.keys.find((k) => k.kid === kid);
    if (key && key.attestation === null) key.attestation = Buffer.from(attestation);
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

  async #audit(event: UnchainedAuditEvent | undefined): Promise<void> {
    if (event) await this.journal.record(event);
  }

  #tenant(tenantId: string): TenantRecord {
    const tenant = this.#tenants.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    return tenant;
  }
}

function summary(id: string, tenant: TenantRecord): TenantSummary {
  return {
    id,
    displayName: tenant.displayName,
    customer: tenant.customer,
    kmsKeyAlias: tenant.kmsKeyAlias,
    move: tenant.move && { ...tenant.move },
    createdAt: tenant.createdAt,
    disabledAt: tenant.disabledAt,
    disabled: tenant.disabledAt !== null,
    signInPolicy: { ...tenant.signInPolicy },
  };
}

// Callers get copies so that nothing outside the store can mutate stored state.
function copyKey(key: StoredSigningKey): StoredSigningKey {
  return { ...key, publicJwk: { ...key.publicJwk }, sealedPrivateKey: key.sealedPrivateKey && Buffer.from(key.sealedPrivateKey), attestation: key.attestation && Buffer.from(key.attestation) };
}

function copyClient(client: StoredClient): StoredClient {
  return {
    ...client,
    secretHash: client.secretHash && Buffer.from(client.secretHash),
    jwks: client.jwks && structuredClone(client.jwks),
    jwksAttestation: client.jwksAttestation && Buffer.from(client.jwksAttestation),
    scopes: [...client.scopes],
    resources: [...client.resources],
    grantTypes: [...client.grantTypes],
    redirectUris: [...client.redirectUris],
    postLogoutRedirectUris: [...client.postLogoutRedirectUris],
    authorities: [...client.authorities],
  };
}
