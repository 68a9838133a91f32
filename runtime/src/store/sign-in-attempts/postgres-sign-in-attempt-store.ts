import type { Pool } from 'pg';
import type { IpAttempts } from '../../sign-in-protection/ip-attempts';
import type { SignInAttemptStore } from '../../sign-in-protection/sign-in-attempt-store';
import { inTransaction } from '../sql/transaction';

/**
 * Attempt counters in PostgreSQL (migration 4), shared by every replica. An IP's state changes
 * under its row lock (SELECT … FOR UPDATE in one transaction), so failures counted at the same
 * moment on several replicas are all counted; an account's count is one atomic upsert.
 */
export class PostgresSignInAttemptStore implements SignInAttemptStore {
  readonly #pool: Pool;

  /** @param pool the PostgresStore's pool (PostgresStore.pool), whose search_path names the schema */
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  async updateIp<T>(tenantId: string, ip: string, at: Date, change: (state: IpAttempts) => { state: IpAttempts; result: T }): Promise<T> {
    return inTransaction(this.#pool, async (db) => {
      // Create the row if missing, then lock it: concurrent first failures meet on the primary key.
      await db.query(
        `INSERT INTO sign_in_ip_attempts (tenant_id, ip, failures, account_keys, blocks, updated_at)
         VALUES ($1, $2, 0, '{}', 0, $3) ON CONFLICT DO NOTHING`,
        [tenantId, ip, at],
      );
      const { rows } = await db.query<IpRow>('SELECT * FROM sign_in_ip_attempts WHERE tenant_id = $1 AND ip = $2 FOR UPDATE', [tenantId, ip]);
      const row = rows[0]!;
      const { state, result } = change({
        failures: row.failures,
        windowStartedAt: row.window_started_at,
        accountKeys: row.account_keys,
        blockedUntil: row.blocked_until,
        blocks: row.blocks,
      });
      await db.query(
        `UPDATE sign_in_ip_attempts SET failures = $3, window_started_at = $4, account_keys = $5, blocked_until = $6, blocks = $7, updated_at = $8
          WHERE tenant_id = $1 AND ip = $2`,
        [tenantId, ip, state.failures, state.windowStartedAt, state.accountKeys, state.blockedUntil, state.blocks, at],
      );
      return result;
    });
  }

  async findIpBlock(tenantId: string, ip: string): Promise<Date | null> {
    const { rows } = await this.#pool.query<{ blocked_until: Date | null }>(
      'SELECT blocked_until FROM sign_in_ip_attempts WHERE tenant_id = $1 AND ip = $2',
      [tenantId, ip],
    );
    return rows[0]?.blocked_until ?? null;
  }

  async resetIpFailures(tenantId: string, ip: string, at: Date): Promise<void> {
    // One statement; a no-op (no write) for the common case of an IP without failures.
    await this.#pool.query(
      `UPDATE sign_in_ip_attempts SET failures = 0, window_started_at = NULL, account_keys = '{}', updated_at = $3
        WHERE tenant_id = $1 AND ip = $2 AND failures > 0`,
      [tenantId, ip, at],
    );
  }

  async recordAccountFailure(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number> {
    const { rows } = await this.#pool.query<{ failures: number }>(
      `INSERT INTO sign_in_account_attempts AS a (tenant_id, account_key, failures, last_failure_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (tenant_id, account_key) DO UPDATE
         SET failures = CASE WHEN a.last_failure_at > $4 THEN a.failures + 1 ELSE 1 END, last_failure_at = $3
       RETURNING failures`,
      [tenantId, accountKey, at, new Date(at.getTime() - windowSeconds * 1000)],
    );
    return rows[0]!.failures;
  }

  async accountFailures(tenantId: string, accountKey: string, at: Date, windowSeconds: number): Promise<number> {
    const { rows } = await this.#pool.query<{ failures: number }>(
      'SELECT failures FROM sign_in_account_attempts WHERE tenant_id = $1 AND account_key = $2 AND last_failure_at > $3',
      [tenantId, accountKey, new Date(at.getTime() - windowSeconds * 1000)],
    );
    return rows[0]?.failures ?? 0;
  }

  async resetAccount(tenantId: string, accountKey: string): Promise<void> {
    await this.#pool.query('DELETE FROM sign_in_account_attempts WHERE tenant_id = $1 AND account_key = $2', [tenantId, accountKey]);
  }

  async purge(now: Date, before: Date): Promise<void> {
    await this.#pool.query(
      'DELETE FROM sign_in_ip_attempts WHERE updated_at < $2 AND (blocked_until IS NULL OR blocked_until <= $1)',
      [now, before],
    );
    await this.#pool.query('DELETE FROM sign_in_account_attempts WHERE last_failure_at < $1', [before]);
  }
}

interface IpRow {
  failures: number;
  window_started_at: Date | null;
  account_keys: string[];
  blocked_until: Date | null;
  blocks: number;
}
