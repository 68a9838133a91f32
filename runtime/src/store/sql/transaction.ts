import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction on a pooled connection: COMMIT when it resolves,
 * ROLLBACK when it throws (rethrowing the work's error, not the rollback's), and the
 * connection always goes back to the pool. Every PostgreSQL store uses this one.
 */
export async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}
