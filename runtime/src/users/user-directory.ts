import type { UnchainedAuditEvent } from '../audit/audit-event';
import { randomBytes } from 'node:crypto';
import { InvalidUser, UserNotFound } from '../errors/user-errors';
import type { Clock } from '../support/clock';
import type { PasswordHasher } from './password-hasher';
import { PasswordPolicy } from './password-policy';
import type { User } from './user';
import type { UserStore } from './user-store';
import { checkUsername } from './username';

/** What the admin API (or `npm start`) gives to create a user. */
export interface NewUser {
  username: string;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  authorities?: string[];
  /** Optional: a user without a password cannot sign in until one is set. */
  password?: string;
}

/** Fields an update may change; absent fields stay as they are. */
export interface UserChanges {
  username?: string;
  email?: string | null;
  name?: string | null;
  phone?: string | null;
  authorities?: string[];
  status?: User['status'];
}

export type AuthenticationFailure = 'unknown_user' | 'bad_password' | 'disabled';

export type AuthenticationResult =
  | { ok: true; user: User; /** The stored hash was replaced with one under the current parameters. */ rehashed: boolean }
  | { ok: false; reason: AuthenticationFailure; /** Set for 'bad_password' and 'disabled', for logging the user id. */ userId?: string };

export interface UserDirectoryOptions {
  store: UserStore;
  hasher: PasswordHasher;
  clock: Clock;
  /** The password rules of a tenant. @default NIST SP 800-63B rev. 4 defaults (15 to 256 characters) for every tenant */
  passwordPolicyFor?: (tenantId: string) => PasswordPolicy;
}

const DEFAULT_POLICY = new PasswordPolicy();
/** Builds a change's audit event once the target user's id is known; written in the change's transaction. */
export type AuditFor = (userId: string) => UnchainedAuditEvent;

export const MAX_AUTHORITIES = 100;
export const AUTHORITY = /^[\x21-\x7e]{1,128}$/;
/** E.164 (ITU-T): a plus, a country code and at most 15 digits in all. */
export const PHONE = /^\+[1-9][0-9]{1,14}$/;
/** Deliberately loose (one @, no spaces): whether an address works is proven by mail, not by a regex. */
export const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}$/;
const MAX_NAME_LENGTH = 256;

/**
 * A tenant's end users: creation with validated fields and policy-checked passwords, updates,
 * disabling, deletion, and password authentication. Users live in a {@link UserStore}; this
 * class holds the rules.
 */
export class UserDirectory {
  readonly #store: UserStore;
  readonly #hasher: PasswordHasher;
  readonly #clock: Clock;
  readonly #policyFor: (tenantId: string) => PasswordPolicy;

  constructor(options: UserDirectoryOptions) {
    this.#store = options.store;
    this.#hasher = options.hasher;
    this.#clock = options.clock;
    this.#policyFor = options.passwordPolicyFor ?? (() => DEFAULT_POLICY);
  }

  /** Throws InvalidUser, PasswordRejected, TenantNotFound or UserExists; then nothing is written. */
  async create(tenantId: string, input: NewUser, audit?: AuditFor): Promise<User> {
    checkUsername(input.username);
    const now = new Date(this.#clock.now());
    const user: User = {
      tenantId,
      id: randomBytes(16).toString('base64url'),
      username: input.username,
      email: checkedEmail(input.email ?? null),
      name: checkedName(input.name ?? null),
      phone: checkedPhone(input.phone ?? null),
      status: 'active',
      authorities: checkedAuthorities(input.authorities ?? []),
      createdAt: now,
      updatedAt: now,
    };
    let phc: string | undefined;
    if (input.password !== undefined) {
      this.#policyFor(tenantId).check(input.password, { username: input.username });
      phc = await this.#hasher.hash(input.password);
    }
    await this.#store.createUser(user, phc === undefined ? null : { tenantId, userId: user.id, phc, changedAt: now }, audit?.(user.id));
    return user;
  }

  /** Throws UserNotFound. */
  async get(tenantId: string, userId: string): Promise<User> {
    const user = await this.#store.findUserById(tenantId, userId);
    if (!user) throw new UserNotFound(userId);
    return user;
  }

  findByUsername(tenantId: string, username: string): Promise<User | undefined> {
    return this.#store.findUserByUsername(tenantId, username);
  }

  /** Throws UserNotFound, InvalidUser or UserExists (the new username is taken). */
  async update(tenantId: string, userId: string, changes: UserChanges, audit?: AuditFor): Promise<User> {
    const user = await this.get(tenantId, userId);
    if (changes.username !== undefined) checkUsername(changes.username);
    if (changes.status !== undefined && changes.status !== 'active' && changes.status !== 'disabled') {
      throw new InvalidUser('status', `status must be one of active, disabled; got "${String(changes.status)}"`);
    }
    const updated: User = {
      ...user,
      username: changes.username ?? user.username,
      email: changes.email === undefined ? user.email : checkedEmail(changes.email),
      name: changes.name === undefined ? user.name : checkedName(changes.name),
      phone: changes.phone === undefined ? user.phone : checkedPhone(changes.phone),
      authorities: changes.authorities === undefined ? user.authorities : checkedAuthorities(changes.authorities),
      status: changes.status ?? user.status,
      updatedAt: new Date(this.#clock.now()),
    };
    await this.#store.updateUser(updated, audit?.(userId));
    return updated;
  }

  disable(tenantId: string, userId: string, audit?: AuditFor): Promise<User> {
    return this.update(tenantId, userId, { status: 'disabled' }, audit);
  }

  /** Throws UserNotFound. */
  delete(tenantId: string, userId: string, audit?: AuditFor): Promise<void> {
    return this.#store.deleteUser(tenantId, userId, audit?.(userId));
  }

  /** Throws UserNotFound or PasswordRejected (naming the rule); then the old password stays. */
  async setPassword(tenantId: string, userId: string, password: string, audit?: AuditFor): Promise<void> {
    const user = await this.get(tenantId, userId);
    this.#policyFor(tenantId).check(password, { username: user.username });
    const phc = await this.#hasher.hash(password);
    await this.#store.setPassword({ tenantId, userId, phc, changedAt: new Date(this.#clock.now()) }, audit?.(userId));
  }

  /**
   * Checks a username and password. Every path costs one argon2id verification (a dummy one
   * for unknown users and users without a password), so timing does not reveal whether a
   * username exists. A disabled user is reported as 'disabled' only after the right password:
   * someone guessing learns nothing about the account's status. On success, a hash made under
   * older parameters is replaced (the password is known only now).
   *
   * Throttling is not done here: callers consult the SignInGuard first.
   */
  async authenticate(tenantId: string, username: string, password: string, at: Date): Promise<AuthenticationResult> {
    const user = await this.#store.findUserByUsername(tenantId, username);
    const stored = user && (await this.#store.findPassword(tenantId, user.id));
    if (!user || !stored) {
      await this.#hasher.verifyDummy(password);
      return user ? { ok: false, reason: 'bad_password', userId: user.id } : { ok: false, reason: 'unknown_user' };
    }
    const verification = await this.#hasher.verify(stored.phc, password);
    if (!verification.ok) return { ok: false, reason: 'bad_password', userId: user.id };
    if (user.status !== 'active') return { ok: false, reason: 'disabled', userId: user.id };
    let rehashed = false;
    if (verification.needsRehash) {
      await this.#store.setPassword({ tenantId, userId: user.id, phc: await this.#hasher.hash(password), changedAt: at });
      rehashed = true;
    }
    return { ok: true, user, rehashed };
  }
}

function checkedEmail(email: string | null): string | null {
  if (email !== null && (email.length > 254 || !EMAIL.test(email))) {
    throw new InvalidUser('email', 'email must be an address of at most 254 characters with one @ and no spaces');
  }
  return email;
}

function checkedName(name: string | null): string | null {
  if (name !== null && (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\u0000-\u001f\u007f]/.test(name))) {
    throw new InvalidUser('name', `name must be 1 to ${MAX_NAME_LENGTH} characters without control characters`);
  }
  return name;
}

function checkedPhone(phone: string | null): string | null {
  if (phone !== null && !PHONE.test(phone)) throw new InvalidUser('phone', 'phone must be in E.164 form, e.g. +14155550123');
  return phone;
}

function checkedAuthorities(authorities: string[]): string[] {
  if (authorities.length > MAX_AUTHORITIES) throw new InvalidUser('authorities', `authorities may hold at most ${MAX_AUTHORITIES} entries`);
  for (const authority of authorities) {
    if (!AUTHORITY.test(authority)) {
      throw new InvalidUser('authorities', 'each authority must be 1 to 128 printable ASCII characters without spaces');
    }
  }
  return [...new Set(authorities)];
}
