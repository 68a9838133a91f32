import type { Pool } from 'pg';
import { TenantNotFound } from '../../errors/resource-errors';
import { UserExists, UserNotFound } from '../../errors/user-errors';
import type { StoredPassword, User } from '../../users/user';
import type { UserStore } from '../../users/user-store';
import { usernameKey } from '../../users/username';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import { PostgresAuditJournal } from '../audit/postgres-audit-journal';

const PG_UNIQUE_VIOLATION = '23505';
const PG_FOREIGN_KEY_VIOLATION = '23503';

/**
 * Users in PostgreSQL (migration 2). The database enforces what the service assumes: usernames
 * unique per tenant by their comparison form (`username_key`), a known status, and a password
 * row that cannot outlive its user (ON DELETE CASCADE).
 */
export class PostgresUserStore implements UserStore {
  readonly #pool: Pool;
  readonly #journal: PostgresAuditJournal;

  /**
   * @param pool the PostgresStore's pool (PostgresStore.pool), whose search_path names the schema
   * @param journal the PostgresStore's journal (PostgresStore.journal), so audit events join the same chain and outbox
   */
  constructor(pool: Pool, journal: PostgresAuditJournal = new PostgresAuditJournal(pool)) {
    this.#pool = pool;
    this.#journal = journal;
  }

  async createUser(user: User, password: StoredPassword | null, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction(async (db) => {
        await db.query(
          `INSERT INTO users (tenant_id, id, username, username_key, email, name, phone, status, authorities, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
          [user.tenantId, user.id, user.username, usernameKey(user.username), user.email, user.name, user.phone, user.status, user.authorities, user.createdAt, user.updatedAt],
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

  async findUserById(tenantId: string, userId: string): Promise<User | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
    return rows[0] && userFromRow(rows[0]);
  }

  async findUserByUsername(tenantId: string, username: string): Promise<User | undefined> {
    const { rows } = await this.#pool.query<UserRow>('SELECT * FROM users WHERE tenant_id = $1 AND username_key = $2', [tenantId, usernameKey(username)]);
    return rows[0] && userFromRow(rows[0]);
  }

  async updateUser(user: User, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction(async (db) => {
      const { rowCount } = await db.query(
        `UPDATE users SET username = $3, username_key = $4, email = $5, name = $6, phone = $7, status = $8, authorities = $9, updated_at = $10
          WHERE tenant_id = $1 AND id = $2`,
        [user.tenantId, user.id, user.username, usernameKey(user.username), user.email, user.name, user.phone, user.status, user.authorities, user.updatedAt],
      );
      if (rowCount === 0) throw new UserNotFound(user.id);
      }, audit);
    } catch (error) {
      if (pgCode(error) === PG_UNIQUE_VIOLATION) throw new UserExists();
      throw error;
    }
  }

  /** The user, its password (cascade) and its grants with their codes and refresh tokens (migration 3), in one transaction. */
  async deleteUser(tenantId: string, userId: string, audit?: UnchainedAuditEvent): Promise<void> {
    await this.#journal.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM users WHERE tenant_id = $1 AND id = $2', [tenantId, userId]);
      if (rowCount === 0) throw new UserNotFound(userId);
      await db.query('DELETE FROM grants WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId]);
    }, audit);
  }

  async findPassword(tenantId: string, userId: string): Promise<StoredPassword | undefined> {
    const { rows } = await this.#pool.query<{ phc: string; changed_at: Date }>(
      'SELECT phc, changed_at FROM passwords WHERE tenant_id = $1 AND user_id = $2',
      [tenantId, userId],
    );
    return rows[0] && { tenantId, userId, phc: rows[0].phc, changedAt: rows[0].changed_at };
  }

  async setPassword(password: StoredPassword, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#journal.transaction((db) => db.query(
        `INSERT INTO passwords (tenant_id, user_id, phc, changed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, user_id) DO UPDATE SET phc = EXCLUDED.phc, changed_at = EXCLUDED.changed_at`,
        [password.tenantId, password.userId, password.phc, password.changedAt],
      ), audit);
    } catch (error) {
      if (pgCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new UserNotFound(password.userId);
      throw error;
    }
  }
}

interface UserRow {
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

function userFromRow(row: UserRow): User {
  return {
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
  };
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
