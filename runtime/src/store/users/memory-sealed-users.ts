import type { UnchainedAuditEvent } from '../../audit/audit-event';
import type { AuditJournal } from '../../audit/audit-journal';
import { TenantNotFound } from '../../errors/resource-errors';
import { UserExists, UserNotFound } from '../../errors/user-errors';
import type { SealedUser, SealedUserRecords, WrappedIndexKey } from '../../personal-data/sealed-user';
import type { StoredPassword } from '../../users/user';

interface TenantUsers {
  byId: Map<string, SealedUser>;
  indexKey: WrappedIndexKey | undefined;
  passwords: Map<string, StoredPassword>;
}

/**
 * Sealed users of the embedded store (`npm start`): the same records as PostgreSQL, sealed the
 * same way, so what the embedded runtime holds in memory is ciphertext too. Every method
 * validates fully before it mutates, and callers get copies.
 */
export class MemorySealedUsers implements SealedUserRecords {
  readonly #tenants = new Map<string, TenantUsers>();
  readonly #tenantExists: (tenantId: string) => Promise<boolean>;
  readonly #journal: Pick<AuditJournal, 'record'> | undefined;

  /** @param tenants the identity store whose tenants these users belong to, and whose journal records their changes */
  constructor(tenants: { findSigningKeys(tenantId: string): Promise<unknown[] | undefined>; journal?: Pick<AuditJournal, 'record'> }) {
    this.#tenantExists = async (tenantId) => (await tenants.findSigningKeys(tenantId)) !== undefined;
    this.#journal = tenants.journal;
  }

  async create(user: SealedUser, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = await this.#tenant(user.tenantId);
    if (tenant.byId.has(user.id) || this.#taken(tenant, user)) throw new UserExists();
    tenant.byId.set(user.id, copy(user));
    if (password) tenant.passwords.set(user.id, { ...password, tenantId: user.tenantId, userId: user.id });
    await this.#audit(audit);
  }

  async findById(tenantId: string, userId: string): Promise<SealedUser | undefined> {
    const user = this.#tenants.get(tenantId)?.byId.get(userId);
    return user && copy(user);
  }

  async findByUsernameIndex(tenantId: string, usernameIndex: string): Promise<SealedUser | undefined> {
    return this.#find(tenantId, (u) => u.usernameIndex === usernameIndex);
  }

  async findByEmailIndex(tenantId: string, emailIndex: string): Promise<SealedUser | undefined> {
    return this.#find(tenantId, (u) => u.emailIndex === emailIndex);
  }

  async update(user: SealedUser, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenants.get(user.tenantId);
    if (!tenant?.byId.has(user.id)) throw new UserNotFound(user.id);
    if (this.#taken(tenant, user)) throw new UserExists();
    tenant.byId.set(user.id, copy(user));
    await this.#audit(audit);
  }

  async delete(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenants.get(tenantId);
    if (!tenant?.byId.delete(userId)) throw new UserNotFound(userId);
    tenant.passwords.delete(userId);
    await this.#audit(audit);
  }

  async findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined> {
    const password = this.#tenants.get(tenantId)?.passwords.get(userId);
    return password && { ...password };
  }

  async setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenants.get(password.tenantId);
    if (!tenant?.byId.has(password.userId)) throw new UserNotFound(password.userId);
    tenant.passwords.set(password.userId, { ...password });
    await this.#audit(audit);
  }

  async indexKey(tenantId: string): Promise<WrappedIndexKey | undefined> {
    const key = (await this.#tenant(tenantId)).indexKey;
    return key && { wrapped: Buffer.from(key.wrapped), keyId: key.keyId };
  }

  async saveIndexKey(tenantId: string, key: WrappedIndexKey): Promise<WrappedIndexKey> {
    const tenant = await this.#tenant(tenantId);
    tenant.indexKey ??= { wrapped: Buffer.from(key.wrapped), keyId: key.keyId };
    return { wrapped: Buffer.from(tenant.indexKey.wrapped), keyId: tenant.indexKey.keyId };
  }

  async listForRewrap(tenantId: string, page: { after?: string; limit: number }): Promise<Array<Pick<SealedUser, 'id' | 'dataKey'>>> {
    const users = [...(this.#tenants.get(tenantId)?.byId.values() ?? [])].filter((u) => u.id > (page.after ?? '')).sort((a, b) => (a.id < b.id ? -1 : 1));
    return users.slice(0, page.limit).map((u) => ({ id: u.id, dataKey: { wrapped: Buffer.from(u.dataKey.wrapped), keyId: u.dataKey.keyId } }));
  }

  async replaceDataKey(tenantId: string, userId: string, dataKey: SealedUser['dataKey']): Promise<void> {
    const user = this.#tenants.get(tenantId)?.byId.get(userId);
    if (user) user.dataKey = { wrapped: Buffer.from(dataKey.wrapped), keyId: dataKey.keyId };
  }

  async replaceIndexKey(tenantId: string, key: WrappedIndexKey): Promise<void> {
    (await this.#tenant(tenantId)).indexKey = { wrapped: Buffer.from(key.wrapped), keyId: key.keyId };
  }

  #taken(tenant: TenantUsers, user: SealedUser): boolean {
    for (const other of tenant.byId.values()) {
      if (other.id === user.id) continue;
      if (other.usernameIndex === user.usernameIndex || (user.emailIndex !== null && other.emailIndex === user.emailIndex)) return true;
    }
    return false;
  }

  async #find(tenantId: string, match: (user: SealedUser) => boolean): Promise<SealedUser | undefined> {
    for (const user of this.#tenants.get(tenantId)?.byId.values() ?? []) if (match(user)) return copy(user);
    return undefined;
  }

  async #audit(event: UnchainedAuditEvent | undefined): Promise<void> {
    if (event && this.#journal) await this.#journal.record(event);
  }

  async #tenant(tenantId: string): Promise<TenantUsers> {
    let tenant = this.#tenants.get(tenantId);
    if (!tenant) {
      if (!(await this.#tenantExists(tenantId))) throw new TenantNotFound(tenantId);
      tenant = this.#tenants.get(tenantId) ?? { byId: new Map(), indexKey: undefined, passwords: new Map() };
      this.#tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}

function copy(user: SealedUser): SealedUser {
  return { ...user, fields: { ...user.fields }, dataKey: { wrapped: Buffer.from(user.dataKey.wrapped), keyId: user.dataKey.keyId }, authorities: [...user.authorities] };
}
