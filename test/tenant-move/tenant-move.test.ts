import { runCli } from '../helpers/cli';
import { startHarness } from '../runtime/helpers/harness';
import type { Harness } from '../runtime/helpers/harness';

/** `brandstack tenant move-customer` against a real runtime: progress printed per step, then done. */
describe('brandstack tenant move-customer', () => {
  let h: Harness;
  const run = runCli;
  beforeAll(async () => {
    h = await startHarness('memory');
    await h.admin('POST', '/admin/tenants', { tenant: 'shop', customer: 'first-co' });
    for (let i = 0; i < 5; i++) await h.admin('POST', '/admin/tenants/shop/users', { username: `u${i}`, name: `User ${i}` });
  });
  afterAll(() => h.close());

  test('moves in steps, printing progress, and the tenant is bound to the new customer', async () => {
    const result = await run(['tenant', 'move-customer', '--tenant', 'shop', '--customer', 'second-co', '--batch', '2', '--url', h.base], { BRANDSTACK_ADMIN_CLIENT_SECRET: h.adminSecret });
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out.trim().split('\n')).toEqual([
      'tenant shop: first-co → second-co: step 1, 2 users re-wrapped',
      'tenant shop: first-co → second-co: step 2, 4 users re-wrapped',
      'tenant shop: first-co → second-co: step 3, 5 users re-wrapped, done',
    ]);
    expect((await h.admin('GET', '/admin/tenants/shop')).json).toMatchObject({ customer: 'second-co', customer_move: null });
  });

  test.each([
    [['tenant', 'move-customer', '--customer', 'x', '--url', 'http://127.0.0.1:1'], '--tenant is required'],
    [['tenant', 'move-customer', '--tenant', 'shop', '--url', 'http://127.0.0.1:1'], '--customer is required'],
    [['tenant', 'move-customer', '--tenant', 'shop', '--customer', 'x', '--batch', '0', '--url', 'http://127.0.0.1:1'], "--batch '0'"],
    [['tenant', 'rename'], 'allowed: move-customer'],
  ])('bad input %j: exit 2 naming %s', async (args, named) => {
    const result = await run(args, { BRANDSTACK_ADMIN_CLIENT_SECRET: 'x'.repeat(40) });
    expect(result.code).toBe(2);
    expect(result.err).toContain(named);
  });

  test('a step the runtime refuses is reported with its reason, exit 2', async () => {
    // The first test moved it there already.
    const result = await run(['tenant', 'move-customer', '--tenant', 'shop', '--customer', 'second-co', '--url', h.base], { BRANDSTACK_ADMIN_CLIENT_SECRET: h.adminSecret });
    expect(result.code).toBe(2);
    expect(result.err).toContain('step 1 refused: 409 customer_move_refused');
    expect(result.err).toContain('already with customer "second-co"');
  });
});
