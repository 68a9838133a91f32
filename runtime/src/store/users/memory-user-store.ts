import type { UnchainedAuditEvent } from '../../audit/audit-event';
import type { AuditJournal } from '../../audit/audit-journal';
import { TenantNotFound } from '../../errors/resource-errors';
import { UserExists, UserNotFound } from '../../errors/user-errors';
import type { StoredPassword, User } from '../../users/user';
import type { UserStore } from '../../users/user-store';
import { usernameKey } from '../../users/username';

interface TenantUsers {
  byId: Map<string, User>;
  /** usernameKey → user id */
  byUsername: Map<string, string>;
  passwords: Map<string, StoredPassword>;
}

/**
 * Users of the embedded store (`npm start`). Like MemoryStore, every method validates fully
 * before it mutates, and callers get copies.
 */
export class MemoryUserStore implements UserStore {
  readonly #tenants = new Map<string, TenantUsers>();
  readonly #tenantExists: (tenantId: string) => Promise<boolean>;
  readonly #journal: Pick<AuditJournal, 'record'> | undefined;

  /** @param tenants the identity store whose tenants these users belong to, and whose journal records their changes */
  constructor(tenants: { findSigningKeys(tenantId: string): Promise<unknown[] | undefined>; journal?: Pick<AuditJournal, 'record'> }) {
    this.#tenantExists = async (tenantId) => (await tenants.findSigningKeys(tenantId)) !== undefined;
    this.#journal = tenants.journal;
  }

  async #audit(event: UnchainedAuditEvent | undefined): Promise<void> {
    if (event && this.#journal) await this.#journal.record(event);
  }

  async createUser(user: User, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void> {
    if (!(await this.#tenantExists(user.tenantId))) throw new TenantNotFound(user.tenantId);
    const tenant = this.#tenant(user.tenantId);
    const key = usernameKey(user.username);
    if (tenant.byUsername.has(key) || tenant.byId.has(user.id)) throw new UserExists();
    tenant.byId.set(user.id, copyUser(user));
    tenant.byUsername.set(key, user.id);
    if (password) tenant.passwords.set(user.id, { ...password, tenantId: user.tenantId, userId: user.id });
    await this.#audit(audit);
  }

  async findUserById(tenantId: string, userId: string): Promise<User | undefined> {
    const user = this.#tenants.get(tenantId)?.byId.get(userId);
    return user && copyUser(user);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const tenant = this.#tenants.get(tenantId);
    const id = tenant?.byUsername.get(usernameKey(username));
    const user = id === undefined ? undefined : tenant!.byId.get(id);
    return user && copyUser(user);
  }

  async updateUser(user: User, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenants.get(user.tenantId);
    const current = tenant?.byId.get(user.id);
    if (!tenant || !current) throw new UserNotFound(user.id);
    const oldKey = usernameKey(current.username);
    const newKey = usernameKey(user.username);
    if (newKey !== oldKey && tenant.byUsername.has(newKey)) throw new UserExists();
    tenant.byUsername.delete(oldKey);
    tenant.byUsername.set(newKey, user.id);
    tenant.byId.set(user.id, copyUser(user));
    await this.#audit(audit);
  }

  async deleteUser(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void> {
    const tenant = this.#tenants.get(tenantId);
    const current = tenant?.byId.get(userId);
    if (!tenant || !current) throw new UserNotFound(userId);
    tenant.byId.delete(userId);
    tenant.byUsername.delete(usernameKey(current.username));
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

  #tenant(tenantId: string): TenantUsers {
    let tenant = this.#tenants.get(tenantId);
    if (!tenant) {
      tenant = { byId: new Map(), byUsername: new Map(), passwords: new Map() };
      this.#tenants.set(tenantId, tenant);
    }
    return tenant;
  }
}

function copyUser(user: User): User {
  return { ...user, authorities: [...user.authorities], createdAt: new Date(user.createdAt), updatedAt: new Date(user.updatedAt) };
}
