import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';
import { querySchema } from '../helpers/postgres';
import { STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

const PERSON = {
  username: 'marker.jane.doe@example.org',
  email: 'marker.jane.doe@example.org',
  name: 'Jane Markerdottir',
  phone: '+14155550177',
  password: 'a marker passphrase long enough',
};

/**
 * Issue 14 §2-§5 and §11 through the runtime: users created, signed in, updated and erased with
 * envelope encryption on, on both stores; nothing personal in any PostgreSQL column; a sealed
 * field moved to another user or tenant does not open; a disabled customer key is reported, not
 * crashed on.
 */
describe.each(STORE_KINDS)('personal data under customer keys, %s store', (kind) => {
  let h: Harness;
  let local: LocalKeyProvider;
  beforeAll(async () => {
    local = LocalKeyProvider.ephemeral();
    h = await startHarness(kind, { personalDataKeys: new DataKeyCache(local) });
    await h.createTenant('acme');
    await h.createTenant('globex');
  });
  afterAll(() => h.close());

  test('create, find by username or e-mail, update and erase, with the fields sealed', async () => {
    const created = await h.admin('POST', '/admin/tenants/acme/users', PERSON);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: PERSON.username, email: PERSON.email, name: PERSON.name, phone: PERSON.phone });
    const id = created.json.id as string;
    expect((await h.admin('GET', `/admin/tenants/acme/users/${id}`)).json.name).toBe(PERSON.name);
    const byName = await h.admin('GET', `/admin/tenants/acme/users?username=${encodeURIComponent(PERSON.username.toUpperCase())}`);
    expect(byName.json.users.map((u: { id: string }) => u.id)).toEqual([id]);
    const auth = await h.runtime.users.authenticate('acme', PERSON.email, PERSON.password, new Date());
    expect(auth.ok).toBe(true);
    expect((await h.admin('PATCH', `/admin/tenants/acme/users/${id}`, { name: 'Jane Renamed', phone: null })).json).toMatchObject({ name: 'Jane Renamed', phone: null });
    // The same e-mail address is unique per tenant, through its blind index...
    expect((await h.admin('POST', '/admin/tenants/acme/users', { username: 'other', email: PERSON.email.toUpperCase() })).status).toBe(409);
    // ...and free in another tenant, whose index key differs.
    expect((await h.admin('POST', '/admin/tenants/globex/users', { username: PERSON.username, email: PERSON.email })).status).toBe(201);

    expect((await h.admin('DELETE', `/admin/tenants/acme/users/${id}`)).status).toBe(204);
    expect((await h.admin('GET', `/admin/tenants/acme/users/${id}`)).status).toBe(404);
    expect((await h.runtime.users.authenticate('acme', PERSON.email, PERSON.password, new Date())).ok).toBe(false);
    const { events } = await h.store.journal.trail.query('acme', { limit: 500 });
    expect(events).toContainEqual(expect.objectContaining({ action: 'user.delete', outcome: 'success', target: { type: 'user', id } }));
  });

  test('a disabled customer key: a clear 503 naming the tenant, and nothing half-written', async () => {
    const user = await h.admin('POST', '/admin/tenants/acme/users', { username: 'before-disable', name: 'Someone' });
    expect(user.status).toBe(201);
    local.disable('alias/brandstack/local/acme');
    try {
      // A runtime with a cold cache: the provider must be asked, and refuses.
      const fresh = await startHarness(kind, { personalDataKeys: new DataKeyCache(local) });
      try {
        await fresh.createTenant('acme');
        const refused = await fresh.admin('POST', '/admin/tenants/acme/users', { username: 'after-disable', name: 'Someone Else' });
        expect(refused.status).toBe(503);
        expect(refused.json).toEqual({ error: 'personal_data_unavailable', error_description: expect.stringContaining('tenant "acme"') });
        expect(await fresh.userStore.findPassword('acme', 'nobody')).toBeUndefined();
        const found = await fresh.admin('GET', '/admin/tenants/acme/users?username=after-disable');
        expect(found.status).toBe(503);
      } finally {
        await fresh.close();
      }
    } finally {
      local.enable('alias/brandstack/local/acme');
    }
  });
});

describe('PostgreSQL at rest (issue 14 §11)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('postgres');
    await h.createTenant('acme');
    await h.createTenant('globex');
  });
  afterAll(() => h.close());

  test('no column of any table holds plaintext personal data after users are created', async () => {
    for (let i = 0; i < 3; i++) {
      const created = await h.admin('POST', '/admin/tenants/acme/users', { ...PERSON, username: `${i}${PERSON.username}`, email: `${i}${PERSON.email}` });
      expect(created.status).toBe(201);
    }
    const markers = [PERSON.email.split('@')[0]!, 'Markerdottir', PERSON.phone, PERSON.phone.slice(2), PERSON.password, 'example.org'];
    const columns = await querySchema<{ table_name: string; column_name: string }>(
      h.schema!,
      'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position',
    );
    const tables = [...new Set(columns.map((c) => c.table_name))];
    expect(tables).toEqual(expect.arrayContaining(['users', 'passwords', 'tenants', 'audit_events', 'event_outbox']));
    let scanned = 0;
    for (const table of tables) {
      const rows = await querySchema<{ row: string }>(h.schema!, `SELECT t::text AS row FROM "${table}" t`);
      for (const { row } of rows) {
        scanned++;
        const text = row.toLowerCase();
        for (const marker of markers) expect({ table, found: text.includes(marker.toLowerCase()) }).toEqual({ table, found: false });
      }
    }
    expect(scanned).toBeGreaterThan(10);
  });

  test('a sealed field moved to another user, or to another tenant, does not decrypt', async () => {
    const a = (await h.admin('POST', '/admin/tenants/acme/users', { username: 'alice', name: 'Alice A' })).json.id as string;
    const b = (await h.admin('POST', '/admin/tenants/acme/users', { username: 'bob', name: 'Bob B' })).json.id as string;
    const c = (await h.admin('POST', '/admin/tenants/globex/users', { username: 'carol', name: 'Carol C' })).json.id as string;
    await querySchema(h.schema!, `UPDATE users SET name_ct = (SELECT name_ct FROM users WHERE tenant_id = 'acme' AND id = $1) WHERE tenant_id = 'acme' AND id = $2`, [a, b]);
    const moved = await h.admin('GET', `/admin/tenants/acme/users/${b}`);
    expect(moved.status).toBe(500);
    expect(moved.text).not.toContain('Alice');
    await expect(h.userStore.findUserById('acme', b)).rejects.toMatchObject({ code: 'personal_data_unreadable', field: 'name' });
    // Another tenant's row, data key and all, does not open under its new place either.
    await querySchema(
      h.schema!,
      `UPDATE users SET name_ct = src.name_ct, data_key = src.data_key FROM (SELECT name_ct, data_key FROM users WHERE tenant_id = 'acme' AND id = $1) src WHERE tenant_id = 'globex' AND id = $2`,
      [a, c],
    );
    await expect(h.userStore.findUserById('globex', c)).rejects.toMatchObject({ code: 'personal_data_unreadable', field: 'data_key' });
    expect((await h.admin('GET', `/admin/tenants/acme/users/${a}`)).json.name).toBe('Alice A');
  });

  test('erasure: the wrapped data key goes with the row, so a copy of the sealed fields cannot be opened from what remains', async () => {
    const id = (await h.admin('POST', '/admin/tenants/acme/users', { username: 'erin', name: 'Erin E', email: 'erin@example.net' })).json.id as string;
    const [copy] = await querySchema<{ name_ct: string; data_key: Buffer }>(h.schema!, `SELECT name_ct, data_key FROM users WHERE tenant_id = 'acme' AND id = $1`, [id]);
    expect(copy!.name_ct).not.toContain('Erin');
    expect((await h.admin('DELETE', `/admin/tenants/acme/users/${id}`)).status).toBe(204);
    const remaining = await querySchema<{ n: number }>(h.schema!, `SELECT count(*)::int AS n FROM users WHERE data_key = $1`, [copy!.data_key]);
    expect(remaining[0]!.n).toBe(0);
    // Putting the ciphertext back under the id without its key gives nothing readable.
    const other = (await h.admin('POST', '/admin/tenants/acme/users', { username: 'frank' })).json.id as string;
    await querySchema(h.schema!, `UPDATE users SET name_ct = $1 WHERE tenant_id = 'acme' AND id = $2`, [copy!.name_ct, other]);
    await expect(h.userStore.findUserById('acme', other)).rejects.toMatchObject({ code: 'personal_data_unreadable' });
  });
});

/**
 * Issue 14 §6: a tenant moves to another customer key, online and resumable. Steps re-wrap a page
 * of users at a time; users stay readable (and new ones can be created) in the middle; a step that
 * stopped is resumed by the next call; at the end everything is under the new customer's key.
 */
describe.each(STORE_KINDS)('moving a tenant to another customer key, %s store', (kind) => {
  let h: Harness;
  let local: LocalKeyProvider;
  let cache: DataKeyCache;
  beforeAll(async () => {
    local = LocalKeyProvider.ephemeral();
    cache = new DataKeyCache(local);
    h = await startHarness(kind, { personalDataKeys: cache });
    await h.admin('POST', '/admin/tenants', { tenant: 'mover', customer: 'old-co' });
  });
  afterAll(() => h.close());

  test('step by step, readable throughout, then bound to the new customer; the old key is no longer needed', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await h.admin('POST', '/admin/tenants/mover/users', { username: `user${i}`, name: `Name ${i}`, password: 'a passphrase long enough ok' })).json.id);
    const first = await h.admin('POST', '/admin/tenants/mover/customer-move', { customer: 'new-co', batch: 2 });
    expect(first.json).toMatchObject({ tenant: 'mover', from: 'old-co', to: 'new-co', moved: 2, done: false });
    expect((await h.admin('GET', '/admin/tenants/mover')).json.customer_move).toMatchObject({ customer: 'new-co', kms_key_alias: 'alias/brandstack/local/new-co' });
    // Mid-move: every user reads, sign-in works, and a new user is created under the new key.
    for (const [i, id] of ids.entries()) expect((await h.admin('GET', `/admin/tenants/mover/users/${id}`)).json.name).toBe(`Name ${i}`);
    expect((await h.runtime.users.authenticate('mover', 'user4', 'a passphrase long enough ok', new Date())).ok).toBe(true);
    ids.push((await h.admin('POST', '/admin/tenants/mover/users', { username: 'during', name: 'Made Mid-Move' })).json.id);
    // Another target while one move runs is refused.
    expect((await h.admin('POST', '/admin/tenants/mover/customer-move', { customer: 'third-co' })).status).toBe(409);
    let progress = first.json;
    let steps = 1;
    while (!progress.done) {
      progress = (await h.admin('POST', '/admin/tenants/mover/customer-move', { customer: 'new-co', batch: 2 })).json;
      steps++;
    }
    expect(steps).toBeGreaterThanOrEqual(3);
    const tenant = (await h.admin('GET', '/admin/tenants/mover')).json;
    expect(tenant).toMatchObject({ customer: 'new-co', kms_key_alias: 'alias/brandstack/local/new-co', customer_move: null });
    // The old customer's key can go: nothing needs it any more (and nothing is served from memory).
    local.disable('alias/brandstack/local/old-co');
    cache.clear();
    for (const id of ids) expect((await h.userStore.findUserById('mover', id))?.id).toBe(id);
    expect((await h.runtime.users.authenticate('mover', 'user0', 'a passphrase long enough ok', new Date())).ok).toBe(true);
    const { events } = await h.store.journal.trail.query('mover', { limit: 500 });
    expect(events.filter((e) => e.action === 'tenant.customer_move' && e.outcome === 'success').length).toBe(steps);
    expect(events.filter((e) => e.action === 'tenant.customer_move' && e.outcome === 'failed').length).toBe(1);
  });
});
