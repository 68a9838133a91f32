import type { UnchainedAuditEvent } from '../audit/audit-event';
import type { StoredPassword, UserStatus } from '../users/user';

/** The personal fields of a user (issue 14 §2); each is sealed under the user's data key. */
export const PERSONAL_FIELDS = ['username', 'email', 'name', 'phone'] as const;
export type PersonalField = (typeof PERSONAL_FIELDS)[number];

/** A user as it rests in a store: personal fields sealed, lookups by blind index only. */
export interface SealedUser {
  tenantId: string;
  id: string;
  /** blindIndex(tenant index key, 'username', usernameKey(username)); unique per tenant. */
  usernameIndex: string;
  /** blindIndex(tenant index key, 'email', lower-cased address); unique per tenant when set. */
  emailIndex: string | null;
  /** sealField() outputs; null where the user has no such field. The username is always set. */
  fields: { username: string; email: string | null; name: string | null; phone: string | null };
  /** The user's data key, wrapped by the tenant's customer key (KMS GenerateDataKey's CiphertextBlob). */
  dataKey: { wrapped: Buffer; keyId: string };
  status: UserStatus;
  authorities: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** A tenant's blind-index key, wrapped by its customer key. */
export interface WrappedIndexKey {
  wrapped: Buffer;
  keyId: string;
}

/**
 * Where sealed users rest: PostgreSQL (store/users/postgres-user-store.ts) or memory. Nothing
 * here sees plaintext personal data; EncryptedUserStore seals and opens.
 */
export interface SealedUserRecords {
  /** Throws TenantNotFound, or UserExists when the username or e-mail index is taken. */
  create(user: SealedUser, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void>;
  findById(tenantId: string, userId: string): Promise<SealedUser | undefined>;
  findByUsernameIndex(tenantId: string, usernameIndex: string): Promise<SealedUser | undefined>;
  findByEmailIndex(tenantId: string, emailIndex: string): Promise<SealedUser | undefined>;
  /** Throws UserNotFound, or UserExists when the new username or e-mail index is taken. */
  update(user: SealedUser, audit?: UnchainedAuditEvent): Promise<void>;
  /**
   * Erasure (issue 14 §5): deletes the row, and with it the wrapped data key, the blind indexes,
   * the password and the grants, in one transaction. Throws UserNotFound.
   */
  delete(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void>;
  findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined>;
  setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void>;
  indexKey(tenantId: string): Promise<WrappedIndexKey | undefined>;
  /** Stores the tenant's index key unless one exists; returns the one that is stored (the first writer wins). */
  saveIndexKey(tenantId: string, key: WrappedIndexKey): Promise<WrappedIndexKey>;
  /** The tenant's users in id order after `after`, for re-wrapping (issue 14 §6). */
  listForRewrap(tenantId: string, page: { after?: string; limit: number }): Promise<Array<Pick<SealedUser, 'id' | 'dataKey'>>>;
  /** Replaces a user's wrapped data key (the same key, wrapped under another customer key). */
  replaceDataKey(tenantId: string, userId: string, dataKey: SealedUser['dataKey']): Promise<void>;
  /** Replaces the tenant's wrapped index key (the same key, re-wrapped). */
  replaceIndexKey(tenantId: string, key: WrappedIndexKey): Promise<void>;
}
