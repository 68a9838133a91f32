import { UserDirectory } from '../../../runtime/src/users/user-directory';
import type { UserStore } from '../../../runtime/src/users/user-store';
import { STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * The admin API's user routes, on the runtime the harness starts, called with the platform
 * administrator's access token; `users` reads the same store directly.
 */
describe.each(STORE_KINDS)('admin API: users, with the %s store', (kind) => {
  let h: Harness;
  let userStore: UserStore;
  let users: UserDirectory;
  let token: string;
  const PASSWORD = 'tulips in the rain at noon';

  let base: string;
  const call = async (method: string, url: string, body?: unknown, bearer = token) => {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), text, json: text === '' ? undefined : JSON.parse(text) };
  };

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('shop');
    await h.createTenant('bank');
    users = h.runtime.users;
    userStore = h.userStore;
    base = h.base;
    token = h.adminToken;
  });
  afterAll(async () => {
    await h.close();
  });

  test('create: 201 with the user, never the password; then read it back by id and by username', async () => {
    const created = await call('POST', '/admin/tenants/shop/users', { username: 'Alice', email: 'alice@example.com', phone: '+14155550123', authorities: ['orders:read'], password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      username: 'Alice',
      email: 'alice@example.com',
      name: null,
      phone: '+14155550123',
      status: 'active',
      authorities: ['orders:read'],
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(created.text).not.toContain(PASSWORD);
    expect(created.text).not.toContain('argon2');

    const read = await call('GET', `/admin/tenants/shop/users/${created.json.id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    const found = await call('GET', '/admin/tenants/shop/users?username=ALICE');
    expect(found.json).toEqual({ users: [created.json] });
    expect((await users.authenticate('shop', 'alice', PASSWORD, new Date(h.clock.now()))).ok).toBe(true);
  });

  test('no or a wrong admin token: 401 and nothing is created', async () => {
    const response = await call('POST', '/admin/tenants/shop/users', { username: 'intruder' }, 'x'.repeat(43));
    expect(response.status).toBe(401);
    expect(await userStore.findUserByUsername('shop', 'intruder')).toBeUndefined();
  });

  test.each([
    [{ username: '' }, /username/],
    [{ username: 'bob', email: 42 }, /email/],
    [{ username: 'bob', phone: '0123' }, /phone/],
    [{ username: 'bob', authorities: ['has space'] }, /authorities/],
    [{ username: 'bob', role: 'admin' }, /"role" is not allowed/],
    [{ email: 'bob@example.com' }, /username/],
  ])('malformed body %j: 400 naming the field, nothing created', async (body, field) => {
    const response = await call('POST', '/admin/tenants/shop/users', body);
    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/^invalid_(request|user)$/);
    expect(response.json.error_description).toMatch(field);
    expect(await userStore.findUserByUsername('shop', 'bob')).toBeUndefined();
  });

  test('a weak password: 400 invalid_password naming the rule, and no user is created', async () => {
    const short = await call('POST', '/admin/tenants/shop/users', { username: 'carol', password: 'short one' });
    expect(short.status).toBe(400);
    expect(short.json).toEqual({ error: 'invalid_password', error_description: expect.stringMatching(/at least 15 characters/) });
    const common = await call('POST', '/admin/tenants/shop/users', { username: 'carol', password: '1qaz2wsx3edc4rfv' });
    expect(common.json.error_description).toMatch(/commonly used/);
    expect(await userStore.findUserByUsername('shop', 'carol')).toBeUndefined();
  });

  test('duplicates (case-insensitive): 409; unknown tenant: 404', async () => {
    const dup = await call('POST', '/admin/tenants/shop/users', { username: 'ALICE' });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toBe('user_exists');
    const ghost = await call('POST', '/admin/tenants/ghost/users', { username: 'someone' });
    expect(ghost.status).toBe(404);
    expect(ghost.json.error).toBe('tenant_not_found');
  });

  test('update, disable, set password, delete', async () => {
    const { json: dan } = await call('POST', '/admin/tenants/shop/users', { username: 'dan', password: PASSWORD });
    const updated = await call('PATCH', `/admin/tenants/shop/users/${dan.id}`, { name: 'Dan Example', email: null, authorities: ['a', 'b'] });
    expect(updated.status).toBe(200);
    expect(updated.json).toMatchObject({ name: 'Dan Example', email: null, authorities: ['a', 'b'], status: 'active' });
    expect((await call('PATCH', `/admin/tenants/shop/users/${dan.id}`, {})).status).toBe(400);
    expect((await call('PATCH', `/admin/tenants/shop/users/${dan.id}`, { status: 'locked' })).json.error_description).toMatch(/status/);
    expect((await call('PATCH', `/admin/tenants/shop/users/${dan.id}`, { username: 'alice' })).status).toBe(409);

    const disabled = await call('POST', `/admin/tenants/shop/users/${dan.id}/disable`);
    expect(disabled.json.status).toBe('disabled');
    expect(await users.authenticate('shop', 'dan', PASSWORD, new Date())).toMatchObject({ ok: false, reason: 'disabled' });

    const weak = await call('PUT', `/admin/tenants/shop/users/${dan.id}/password`, { password: 'aaaaaaaaaaaaaaaaaaaa' });
    expect(weak.status).toBe(400);
    expect(weak.json.error).toBe('invalid_password');
    const set = await call('PUT', `/admin/tenants/shop/users/${dan.id}/password`, { password: 'a new sentence for dan to use' });
    expect(set.status).toBe(204);
    await call('PATCH', `/admin/tenants/shop/users/${dan.id}`, { status: 'active' });
    expect((await users.authenticate('shop', 'dan', 'a new sentence for dan to use', new Date())).ok).toBe(true);

    expect((await call('DELETE', `/admin/tenants/shop/users/${dan.id}`)).status).toBe(204);
    expect((await call('GET', `/admin/tenants/shop/users/${dan.id}`)).status).toBe(404);
    expect((await call('DELETE', `/admin/tenants/shop/users/${dan.id}`)).json.error).toBe('user_not_found');
    expect(await userStore.findPassword('shop', dan.id)).toBeUndefined();
  });

  test('tenants are isolated: a user id of one tenant is not found under another', async () => {
    const { json: erin } = await call('POST', '/admin/tenants/shop/users', { username: 'erin' });
    expect((await call('GET', `/admin/tenants/bank/users/${erin.id}`)).status).toBe(404);
    expect((await call('DELETE', `/admin/tenants/bank/users/${erin.id}`)).status).toBe(404);
    expect((await call('PUT', `/admin/tenants/bank/users/${erin.id}/password`, { password: PASSWORD })).status).toBe(404);
    expect(await userStore.findUserById('shop', erin.id)).toBeDefined();
  });
});
