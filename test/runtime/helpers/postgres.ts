import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** CI machines and these hosts run PostgreSQL here; tests fail (never skip) when it is down. */
export const TEST_PG_URL = process.env.BRANDSTACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A schema name of its own per use, so parallel Jest workers and reruns never share tables.
 * `drop()` removes it with everything in it.
 */
export function uniqueSchema(): { schema: string; drop(): Promise<void> } {
  const schema = `bs_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    schema,
    async drop() {
      const client = new Client({ connectionString: TEST_PG_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Runs SQL in a schema, for assertions on what the store persisted. */
export async function querySchema<T extends Record<string, unknown>>(schema: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: TEST_PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
