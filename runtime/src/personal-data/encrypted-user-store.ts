import type { UnchainedAuditEvent } from '../audit/audit-event';
import { PersonalDataKeyUnavailable, PersonalDataUnreadable } from '../errors/personal-data-errors';
import { RuntimeError } from '../errors/runtime-error';
import { UserNotFound } from '../errors/user-errors';
import type { EncryptionContext, KeyProvider } from '../key-providers/key-provider';
import type { StoredPassword, User } from '../users/user';
import type { UserStore } from '../users/user-store';
import { usernameKey } from '../users/username';
import { blindIndex } from './blind-index';
import type { CustomerKey } from './customer-keys';
import { indexKeyContext, userKeyContext } from './customer-keys';
import { openField, sealField } from './field-cipher';
import type { SealedUser, SealedUserRecords } from './sealed-user';

export interface EncryptedUserStoreOptions {
  records: SealedUserRecords;
  /** The key provider, behind the bounded data-key cache (key-providers/data-key-cache.ts). */
  keys: KeyProvider & { forgetWhere?(predicate: (context: EncryptionContext) => boolean): void };
  /**
   * The customer a tenant is bound to, and its key (tenants' `customer`), with the key it is moving
   * to during a move. `fresh` bypasses caches (after a key did not open: another replica may have
   * moved on). Throws TenantWithoutCustomer.
   */
  customerKeyOf(tenantId: string, options?: { fresh?: boolean }): Promise<CustomerKey>;
}

/**
 * The UserStore the runtime uses (issue 14 §2-§5): personal fields sealed under a per-user data
 * key from the tenant's customer key, lookups through the tenant's keyed blind index, erasure by
 * destroying the wrapped data key. Callers (UserDirectory, the token service) see plaintext
 * users; the records below never do.
 */
export class EncryptedUserStore implements UserStore {
  readonly #options: EncryptedUserStoreOptions;

  constructor(options: EncryptedUserStoreOptions) {
    this.#options = options;
  }

  /** The sealed records underneath (the customer move re-wraps their keys). */
  get records(): SealedUserRecords {
    return this.#options.records;
  }

  async createUser(user: User, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void> {
    const customer = await this.#options.customerKeyOf(user.tenantId);
    // During a move, new keys are made under the key the tenant moves to.
    const under = customer.moving ?? customer;
    const dataKey = await this.#keyCall(user.tenantId, () => this.#options.keys.generateDataKey(under.keyRef, userKeyContext(under, user.tenantId, user.id)));
    const sealed = await this.#seal(user, customer, { plaintext: dataKey.plaintext, wrapped: dataKey.wrapped, keyId: dataKey.keyId });
    await this.#options.records.create(sealed, password, audit);
  }

  async findUserById(tenantId: string, userId: string): Promise<User | undefined> {
    const sealed = await this.#options.records.findById(tenantId, userId);
    return sealed && this.#open(sealed);
  }

  /** By username, or else by e-mail address (sign-in accepts either; both are blind indexes). */
  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const customer = await this.#options.customerKeyOf(tenantId);
    const indexKey = await this.#indexKey(tenantId, customer);
    const byUsername = await this.#options.records.findByUsernameIndex(tenantId, blindIndex(indexKey, 'username', usernameKey(username)));
    if (byUsername) return this.#open(byUsername);
    if (!username.includes('@')) return undefined;
    const byEmail = await this.#options.records.findByEmailIndex(tenantId, blindIndex(indexKey, 'email', emailKey(username)));
    return byEmail && this.#open(byEmail);
  }

  async updateUser(user: User, audit?: UnchainedAuditEvent): Promise<void> {
    const current = await this.#options.records.findById(user.tenantId, user.id);
    if (!current) throw new UserNotFound(user.id);
    const customer = await this.#options.customerKeyOf(user.tenantId);
    const plaintext = await this.#dataKey(current, customer);
    await this.#options.records.update(await this.#seal(user, customer, { plaintext, ...current.dataKey }), audit);
  }

  /** Crypto-shredding: the row goes with its wrapped data key, and this process forgets the unwrapped one. */
  async deleteUser(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void> {
    await this.#options.records.delete(tenantId, userId, audit);
    this.#options.keys.forgetWhere?.((context) => context['brandstack:tenant'] === tenantId && context['brandstack:user'] === userId);
  }

  findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined> {
    return this.#options.records.findPassword(tenantId, userId);
  }

  setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void> {
    return this.#options.records.setPassword(password, audit);
  }

  async #seal(user: User, customer: CustomerKey, dataKey: { plaintext: Buffer; wrapped: Buffer; keyId: string }): Promise<SealedUser> {
    const indexKey = await this.#indexKey(user.tenantId, customer);
    const place = (field: string) => ({ tenant: user.tenantId, user: user.id, field });
    const seal = (field: string, value: string | null) => (value === null ? null : sealField(dataKey.plaintext, place(field), value));
    return {
      tenantId: user.tenantId,
      id: user.id,
      usernameIndex: blindIndex(indexKey, 'username', usernameKey(user.username)),
      emailIndex: user.email === null ? null : blindIndex(indexKey, 'email', emailKey(user.email)),
      fields: { username: seal('username', user.username)!, email: seal('email', user.email), name: seal('name', user.name), phone: seal('phone', user.phone) },
      dataKey: { wrapped: dataKey.wrapped, keyId: dataKey.keyId },
      status: user.status,
      authorities: [...user.authorities],
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }

  async #open(sealed: SealedUser): Promise<User> {
    const customer = await this.#options.customerKeyOf(sealed.tenantId);
    const key = await this.#dataKey(sealed, customer);
    const place = (field: string) => ({ tenant: sealed.tenantId, user: sealed.id, field });
    const open = (field: 'email' | 'name' | 'phone') => {
      const value = sealed.fields[field];
      return value === null ? null : openField(key, place(field), value);
    };
    return {
      tenantId: sealed.tenantId,
      id: sealed.id,
      username: openField(key, place('username'), sealed.fields.username),
      email: open('email'),
      name: open('name'),
      phone: open('phone'),
      status: sealed.status,
      authorities: [...sealed.authorities],
      createdAt: sealed.createdAt,
      updatedAt: sealed.updatedAt,
    };
  }

  #dataKey(sealed: Pick<SealedUser, 'tenantId' | 'id' | 'dataKey'>, customer: CustomerKey): Promise<Buffer> {
    // By the key id stored with it (the ARN that wrapped it), not the alias: an alias can move.
    return this.#unwrap(sealed.tenantId, customer, (key) => this.#options.keys.decryptDataKey(sealed.dataKey.wrapped, userKeyContext(key, sealed.tenantId, sealed.id), sealed.dataKey.keyId));
  }

  /**
   * Unwraps under the tenant's customer context; during a move a key may already be under the
   * new customer's, and a replica whose cached tenant is behind asks once more with a fresh one.
   */
  async #unwrap(tenantId: string, customer: CustomerKey, decrypt: (key: { customer: string }) => Promise<Buffer>): Promise<Buffer> {
    try {
      return await this.#keyCall(tenantId, () => decrypt(customer));
    } catch (error) {
      if (!(error instanceof PersonalDataUnreadable) || error.field !== 'data_key') throw error;
      if (customer.moving) return this.#keyCall(tenantId, () => decrypt(customer.moving!));
      const fresh = await this.#options.customerKeyOf(tenantId, { fresh: true });
      if (fresh.customer === customer.customer && !fresh.moving) throw error;
      return this.#unwrap(tenantId, fresh, decrypt);
    }
  }

  /** The tenant's index key: created (and wrapped) on first use; a concurrent creation elsewhere wins. */
  async #indexKey(tenantId: string, customer: CustomerKey): Promise<Buffer> {
    let stored = await this.#options.records.indexKey(tenantId);
    if (!stored) {
      const under = customer.moving ?? customer;
      const fresh = await this.#keyCall(tenantId, () => this.#options.keys.generateDataKey(under.keyRef, indexKeyContext(under, tenantId)));
      stored = await this.#options.records.saveIndexKey(tenantId, { wrapped: fresh.wrapped, keyId: fresh.keyId });
    }
    const { wrapped, keyId } = stored;
    return this.#unwrap(tenantId, customer, (key) => this.#options.keys.decryptDataKey(wrapped, indexKeyContext(key, tenantId), keyId));
  }

  /** A key provider failure becomes a clear 503 naming the tenant; nothing is written before it. */
  async #keyCall<T>(tenantId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof RuntimeError && error.code === 'key_unavailable' && (error as { reason?: string }).reason === 'invalid_ciphertext') {
        // The key provider refused this wrapped key under this tenant's and user's context: it
        // belongs to another row (moved or forged), not to an unavailable key.
        throw new PersonalDataUnreadable('data_key', 'was not wrapped for this tenant and user', { cause: error });
      }
      if (error instanceof RuntimeError && error.code === 'key_unavailable') {
        throw new PersonalDataKeyUnavailable(`the personal data of tenant "${tenantId}" cannot be read or written now: its customer key is unavailable (${(error as { reason?: string }).reason ?? error.code})`, { cause: error, detail: error.detail });
      }
      throw error;
    }
  }
}

/** E-mail addresses compare case-insensitively here (in practice, mailbox providers treat them so). */
export function emailKey(email: string): string {
  return email.normalize('NFKC').toLowerCase();
}

