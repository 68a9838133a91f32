import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli';
import { querySchema } from '../runtime/helpers/postgres';
import { startHarness } from '../runtime/helpers/harness';
import type { Harness } from '../runtime/helpers/harness';

/**
 * `brandstack audit verify` against a real runtime on the real PostgreSQL: intact, then broken by
 * an edit made behind the runtime's back (as an attacker with database access would), and the
 * bad inputs, each refused with the flag named.
 */
describe('brandstack audit verify --tenant', () => {
  let h: Harness;
  const run = runCli;

  beforeAll(async () => {
    h = await startHarness('postgres');
    await h.createTenant('acme');
    for (let i = 0; i < 3; i++) await h.createClient('acme', { client_id: `app-${i}` });
  });
  afterAll(() => h.close());

  test('an intact chain: exit 0, with the number of events', async () => {
    const result = await run(['audit', 'verify', '--tenant', 'acme', '--url', h.base], { BRANDSTACK_ADMIN_CLIENT_SECRET: h.adminSecret });
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(/^audit trail of tenant acme: intact, \d+ events/);
  });

  test('the secret from --client-secret-file works the same', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bs-audit-')), 'secret');
    writeFileSync(file, `${h.adminSecret}\n`);
    expect((await run(['audit', 'verify', '--tenant', 'acme', '--url', h.base, '--client-secret-file', file])).code).toBe(0);
  });

  test('an event edited in the database: exit 1, naming the first broken link', async () => {
    await querySchema(h.schema!, `UPDATE audit_events SET action = 'client.read' WHERE tenant_id = 'acme' AND sequence = 2`);
    const result = await run(['audit', 'verify', '--tenant', 'acme', '--url', h.base], { BRANDSTACK_ADMIN_CLIENT_SECRET: h.adminSecret });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^audit trail of tenant acme: BROKEN at sequence 2 \(event [0-9a-f-]{36}\)/);
  });

  test('a wrong secret: exit 2, not verified, saying why', async () => {
    const result = await run(['audit', 'verify', '--tenant', 'acme', '--url', h.base], { BRANDSTACK_ADMIN_CLIENT_SECRET: 'x'.repeat(43) });
    expect(result.code).toBe(2);
    expect(result.err).toContain('not verified: no admin token');
    expect(result.err).toContain('invalid_client');
  });

  test.each([
    [['audit', 'verify', '--url', 'http://127.0.0.1:1'], '--tenant is required'],
    [['audit', 'verify', '--tenant', 'Not_A_Tenant', '--url', 'http://127.0.0.1:1'], "--tenant 'Not_A_Tenant' is not a tenant id"],
    [['audit', 'verify', '--tenant', 'acme', '--url', 'ftp://x'], '--url'],
    [['audit', 'verify', '--tenant', 'acme'], '--url is required'],
    [['audit', 'verify', '--tenant', 'acme', '--url', 'http://127.0.0.1:1'], 'BRANDSTACK_ADMIN_CLIENT_SECRET'],
    [['audit', 'check'], 'allowed: verify'],
  ])('bad input %j: exit 2 naming %s', async (args, named) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.err).toContain(named);
  });
});
