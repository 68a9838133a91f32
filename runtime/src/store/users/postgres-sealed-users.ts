import type { Pool } from 'pg';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import { TenantNotFound } from '../../errors/resource-errors';
import { UserExists, UserNotFound } from '../../errors/user-errors';
import type { SealedUser, SealedUserRecords, WrappedIndexKey } from '../../personal-data/sealed-user';
import type { StoredPassword, User } from '../../users/user';
import { PostgresAuditJournal } from '../audit/postgres-audit-journal';

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';

/**
 * Sealed users in PostgreSQL (migrations 2 and 9). The database enforces what the service
 * assumes: blind indexes unique per tenant, a sealed row never holding plaintext, a password row
 * that cannot outlive its user (ON DELETE CASCADE). Nothing here handles plaintext personal data.
 */
export class PostgresSealedUsers implements SealedUserRecords {
  readonly #pool: Pool;
  readonly #journal: PostgresAuditJournal;

  /**
   * @param pool the PostgresStore's pool (PostgresStore.pool), whose search_path names the schema
   * @param journal the PostgresStore's journal, so audit events join the same chain and outbox
   */
  constructor(pool: Pool, journal: PostgresAuditJournal = new PostgresAuditJournal(pool)) {
    this.#pool = pool;
    this.#journal = journal;
  }

  async create(user: SealedUser, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction(async (db) => {
        await db.query(
          `INSERT INTO users (tenant_id, id, username_index, email_index, username_ct, email_ct, name_ct, phone_ct, data_key, data_key_id, status, authorities, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          rowValues(user),
        );
        if (password) {
          await db.query('INSERT INTO passwords (tenant_id, user_id, phc, changed_at) VALUES ($1, $2, $3, $4)', [user.tenantId, user.id, password.phc, password.changedAt]);
        }
      }, audit);
    } catch (error) {
      if (pgCode(error) === PG_UNIQUE_VIOLATION) throw new UserExists();
      if (pgCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new TenantNotFound(user.tenantId);
      throw error;
    }
  }

  findById(tenantId: string, userId: string): Promise<SealedUser | undefined> {
    return this.#one('id = $2', [tenantId, userId]);
  }

  findByUsernameIndex(tenantId: string, usernameIndex: string): Promise<SealedUser | undefined> {
    return this.#one('username_index = $2', [tenantId, usernameIndex]);
  }

  findByEmailIndex(tenantId: string, emailIndex: string): Promise<SealedUser | undefined> {
    return this.#one('email_index = $2', [tenantId, emailIndex]);
  }

  async update(user: SealedUser, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction(async (db) => {
        // Also seals a legacy row: its plaintext columns are emptied in the same statement.
        const values = rowValues(user);
        values.splice(12, 1); // created_at never changes
        const { rowCount } = await db.query(
          `UPDATE users SET username_index = $3, email_index = $4, username_ct = $5, email_ct = $6, name_ct = $7, phone_ct = $8, data_key = $9, data_key_id = $10,
                  status = $11, authorities = $12, updated_at = $13, username = NULL, username_key = NULL, email = NULL, name = NULL, phone = NULL
            WHERE tenant_id = $1 AND id = $2`,
          values,
        );
        if (rowCount === 0) throw new UserNotFound(user.id);
      }, audit);
    } catch (error) {
      if (pgCode(error) === PG_UNIQUE_VIOLATION) throw new UserExists();
      throw error;
    }
  }

  async delete(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void> {
    await this.#journal.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      if (rowCount === 0) throw new UserNotFound(userId);
      await db.query('DELETE FROM grants WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    }, audit);
  }

  async findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined> {
    const { rows } = await this.#pool.query<{ phc: string; changed_at: Date }>('SELECT phc, changed_at FROM passwords WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    return rows[0] && { tenantId, userId, phc: rows[0].phc, changedAt: rows[0].changed_at };
  }

  async setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction(
        (db) =>
          db.query(
            `INSERT INTO passwords (tenant_id, user_id, phc, changed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, user_id) DO UPDATE SET phc = EXCLUDED.phc, changed_at = EXCLUDED.changed_at`,
            [password.tenantId, password.userId, password.phc, password.changedAt],
          ),
        audit,
      );
    } catch (error) {
      if (pgCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new UserNotFound(password.userId);
      throw error;
    }
  }

  async indexKey(tenantId: string): Promise<WrappedIndexKey | undefined> {
    const { rows } = await this.#pool.query<{ index_key: Buffer | null; index_key_id: string | null }>('SELECT index_key, index_key_id FROM tenants WHERE id = $1', [tenantId]);
    const row = rows[0];
    if (!row) throw new TenantNotFound(tenantId);
    return row.index_key && row.index_key_id ? { wrapped: row.index_key, keyId: row.index_key_id } : undefined;
  }

  async saveIndexKey(tenantId: string, key: WrappedIndexKey): Promise<WrappedIndexKey> {
    // Only where none is set: two replicas creating one at once keep the first.
    await this.#pool.query('UPDATE tenants SET index_key = $2, index_key_id = $3 WHERE id = $1 AND index_key IS NULL', [tenantId, key.wrapped, key.keyId]);
    const stored = await this.indexKey(tenantId);
    if (!stored) throw new TenantNotFound(tenantId);
    return stored;
  }

  async listForRewrap(tenantId: string, page: { after?: string; limit: number }): Promise<Array<Pick<SealedUser, 'id' | 'dataKey'>>> {
    const { rows } = await this.#pool.query<{ id: string; data_key: Buffer; data_key_id: string }>(
      'SELECT id, data_key, data_key_id FROM users WHERE tenant_id = $1 AND id > $2 AND data_key IS NOT NULL ORDER BY id LIMIT $3',
      [tenantId, page.after ?? '', page.limit],
    );
    return rows.map((row) => ({ id: row.id, dataKey: { wrapped: row.data_key, keyId: row.data_key_id } }));
  }

  async replaceDataKey(tenantId: string, userId: string, dataKey: SealedUser['dataKey']): Promise<void> {
    await this.#pool.query('UPDATE users SET data_key = $3, data_key_id = $4 WHERE tenant_id = $1 AND id = $2', [tenantId, userId, dataKey.wrapped, dataKey.keyId]);
  }

  async replaceIndexKey(tenantId: string, key: WrappedIndexKey): Promise<void> {
    await this.#pool.query('UPDATE tenants SET index_key = $2, index_key_id = $3 WHERE id = $1', [tenantId, key.wrapped, key.keyId]);
  }

  /** Rows from before issue 14, still in plaintext: EncryptedUserStore.sealLegacyUsers seals them. */
  async legacyUsers(limit: number): Promise<User[]> {
    const { rows } = await this.#pool.query<LegacyRow>('SELECT * FROM users WHERE username_index IS NULL ORDER BY tenant_id, id LIMIT $1', [limit]);
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      id: row.id,
      username: row.username,
      email: row.email,
      name: row.name,
      phone: row.phone,
      status: row.status,
      authorities: row.authorities,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
  }

  async #one(where: string, values: unknown[]): Promise<SealedUser | undefined> {
    const { rows } = await this.#pool.query<SealedRow>(`SELECT * FROM users WHERE tenant_id = $1 AND username_index IS NOT NULL AND ${where}`, values);
    return rows[0] && sealedFromRow(rows[0]);
  }
}

function rowValues(user: SealedUser): unknown[] {
  return [
    user.tenantId,
    user.id,
    user.usernameIndex,
    user.emailIndex,
    user.fields.username,
    user.fields.email,
    user.fields.name,
    user.fields.phone,
    user.dataKey.wrapped,
    user.dataKey.keyId,
    user.status,
    user.authorities,
    user.createdAt,
    user.updatedAt,
  ];
}

interface SealedRow {
  tenant_id: string;
  id: string;
  username_index: string;
  email_index: string | null;
  username_ct: string;
  email_ct: string | null;
  name_ct: string | null;
  phone_ct: string | null;
  data_key: Buffer;
  data_key_id: string;
  status: SealedUser['status'];
  authorities: string[];
  created_at: Date;
  updated_at: Date;
}

interface LegacyRow {
  tenant_id: string;
  id: string;
  username: string;
  email: string | null;
  name: string | null;
  phone: string | null;
  status: User['status'];
  authorities: string[];
  created_at: Date;
  updated_at: Date;
}

function sealedFromRow(row: SealedRow): SealedUser {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    usernameIndex: row.username_index,
    emailIndex: row.email_index,
    fields: { username: row.username_ct, email: row.email_ct, name: row.name_ct, phone: row.phone_ct },
    dataKey: { wrapped: row.data_key, keyId: row.data_key_id },
    status: row.status,
    authorities: row.authorities,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
