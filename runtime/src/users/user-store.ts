import type { UnchainedAuditEvent } from '../audit/audit-event';
import type { StoredPassword, User } from './user';

/**
 * Storage of users and their password hashes. Every call names its tenant. Implemented by the
 * memory store (`npm start`) and PostgreSQL (production); one behavioural suite runs on both.
 */
export interface UserStore {
  // Each change takes an optional audit event, written in the change's own transaction (issue 13 §5).
  /** Throws TenantNotFound or UserExists (same username, case-insensitively); writes nothing then. */
  createUser(user: User, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void>;
  findUserById(tenantId: string, userId: string): Promise<User | undefined>;
  /** Case-insensitive (NFKC, lower-cased) username lookup. */
  findUserByUsername(tenantId: string, username: string): Promise<User | undefined>;
  /** Throws UserNotFound, or UserExists when the new username is taken. */
  updateUser(user: User, audit?: UnchainedAuditEvent): Promise<void>;
  /** Throws UserNotFound. Deletes the user, its password and its grants. */
  deleteUser(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void>;
  findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined>;
  /** Replaces the hash (a password change, or a rehash with new parameters). Throws UserNotFound. */
  setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void>;
}
