import { randomBytes } from 'node:crypto';
import * as jose from 'jose';
import { buildIdentityRuntime } from '../../../runtime/src/app';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { createLogger } from '../../../runtime/src/support/logger';
import { STORE_KINDS, basic, decodeJwt, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/** The admin API's resource indicator: clients with other resources too ask for it by name (RFC 8707 §2). */
const ADMIN = 'urn:brandstack:admin';

/** Issue 13 §3: the admin API's breadth, on both stores, through the real HTTP API. */
describe.each(STORE_KINDS)('admin API breadth with the %s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind, { clientCacheSeconds: 30 });
    await h.createTenant('acme');
    await h.createTenant('globex');
  });
  afterAll(() => h.close());

  const token = async (tenant: string, clientId: string, secret: string) => h.form(tenant, 'token', { grant_type: 'client_credentials' }, basic(clientId, secret));

  test('clients: list, get, rotate the secret (the old one stops at once), disable, enable, delete', async () => {
    const created = await h.createClient('acme', { client_id: 'orders-svc' });
    expect((await token('acme', 'orders-svc', created.client_secret)).status).toBe(200);
    const list = await h.admin('GET', '/admin/tenants/acme/clients?limit=500');
    expect(list.json.clients.map((c: { client_id: string }) => c.client_id)).toContain('orders-svc');
    expect(JSON.stringify(list.json)).not.toContain(created.client_secret);
    expect((await h.admin('GET', '/admin/tenants/acme/clients/orders-svc')).json).toMatchObject({ client_id: 'orders-svc', status: 'active', authorities: [] });

    const rotated = await h.admin('POST', '/admin/tenants/acme/clients/orders-svc/secret');
    expect(rotated.status).toBe(200);
    expect(rotated.headers.get('cache-control')).toBe('no-store');
    expect(rotated.json.client_secret).not.toBe(created.client_secret);
    expect((await token('acme', 'orders-svc', created.client_secret)).status).toBe(401);
    expect((await token('acme', 'orders-svc', rotated.json.client_secret)).status).toBe(200);

    const issued = (await token('acme', 'orders-svc', rotated.json.client_secret)).json.access_token as string;
    const rs = await h.createClient('acme', { authorities: ['introspect'] });
    const introspect = async () => (await h.form('acme', 'introspect', { token: issued }, basic(rs.client_id, rs.client_secret))).json.active;
    expect(await introspect()).toBe(true);
    expect((await h.admin('POST', '/admin/tenants/acme/clients/orders-svc/disable')).json.status).toBe('disabled');
    expect((await token('acme', 'orders-svc', rotated.json.client_secret)).status).toBe(401);
    // Its tokens die with it.
    expect(await introspect()).toBe(false);
    expect((await h.admin('POST', '/admin/tenants/acme/clients/orders-svc/enable')).json.status).toBe('active');
    expect((await token('acme', 'orders-svc', rotated.json.client_secret)).status).toBe(200);

    expect((await h.admin('DELETE', '/admin/tenants/acme/clients/orders-svc')).status).toBe(204);
    expect((await token('acme', 'orders-svc', rotated.json.client_secret)).status).toBe(401);
    expect((await h.admin('GET', '/admin/tenants/acme/clients/orders-svc')).status).toBe(404);
    expect((await h.admin('DELETE', '/admin/tenants/acme/clients/orders-svc')).json.error).toBe('client_not_found');
  });

  test('a disabled client loses its admin access at once, though its token has not expired', async () => {
    const admin = await h.createClient('acme', { client_id: 'acme-ops', authorities: ['clients:manage'] });
    const opsToken = await h.tokenFor('acme', 'acme-ops', admin.client_secret, ADMIN);
    expect((await h.admin('GET', '/admin/tenants/acme/clients', undefined, opsToken)).status).toBe(200);
    await h.admin('POST', '/admin/tenants/acme/clients/acme-ops/disable');
    expect((await h.admin('GET', '/admin/tenants/acme/clients', undefined, opsToken)).status).toBe(401);
  });

  test('an authority taken away ends the access its earlier token carried', async () => {
    const admin = await h.createClient('acme', { client_id: 'acme-auditor', authorities: ['audit:read'] });
    const auditorToken = await h.tokenFor('acme', 'acme-auditor', admin.client_secret, ADMIN);
    expect(decodeJwt(auditorToken).payload.authorities).toEqual(['audit:read']);
    expect((await h.admin('GET', '/admin/tenants/acme/audit', undefined, auditorToken)).status).toBe(200);
    expect((await h.admin('PUT', '/admin/tenants/acme/clients/acme-auditor/authorities', { authorities: [] })).status).toBe(200);
    expect((await h.admin('GET', '/admin/tenants/acme/audit', undefined, auditorToken)).status).toBe(403);
  });

  test('no escalation: clients:manage cannot hand out tenant:admin, and platform:admin exists only in tenant platform', async () => {
    const manager = await h.createClient('acme', { client_id: 'acme-manager', authorities: ['clients:manage'] });
    const managerToken = await h.tokenFor('acme', 'acme-manager', manager.client_secret, ADMIN);
    const escalate = await h.admin('POST', '/admin/tenants/acme/clients', { client_id: 'sneaky', authorities: ['tenant:admin'] }, managerToken);
    expect(escalate.status).toBe(403);
    expect(escalate.json.error_description).toContain('tenant:admin');
    expect((await h.admin('GET', '/admin/tenants/acme/clients/sneaky')).status).toBe(404);
    // Tenant-defined authorities are the tenant's business.
    expect((await h.admin('POST', '/admin/tenants/acme/clients', { client_id: 'reader', authorities: ['orders:read'], resources: ['https://api.acme.example'] }, managerToken)).status).toBe(201);
    const platformHere = await h.admin('POST', '/admin/tenants/acme/clients', { client_id: 'fake-root', authorities: ['platform:admin'] });
    expect(platformHere.status).toBe(403);
    expect(platformHere.json.error_description).toContain('only in tenant platform');
  });

  test('keys: emergency revoke withdraws the key from the JWKS at once, and its tokens fail introspection', async () => {
    const rs = await h.createClient('globex', { authorities: ['introspect'] });
    const app = await h.createClient('globex');
    const issued = await token('globex', app.client_id, app.client_secret);
    const kid = decodeJwt(issued.json.access_token).header.kid as string;
    const introspect = async (t: string) => (await h.form('globex', 'introspect', { token: t }, basic(rs.client_id, rs.client_secret))).json.active;
    expect(await introspect(issued.json.access_token)).toBe(true);

    const revoked = await h.admin('POST', `/admin/tenants/globex/keys/${kid}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.json.keys.map((k: { kid: string }) => k.kid)).not.toContain(kid);
    expect(revoked.json.keys.map((k: { status: string }) => k.status).sort()).toEqual(['active', 'next']);
    const jwks = (await h.request('GET', '/t/globex/jwks')).json as jose.JSONWebKeySet;
    expect(jwks.keys.map((k) => k.kid)).not.toContain(kid);
    expect(await introspect(issued.json.access_token)).toBe(false);
    // The tenant keeps issuing, with the former next key.
    const fresh = await token('globex', app.client_id, app.client_secret);
    expect(decodeJwt(fresh.json.access_token).header.kid).toBe(revoked.json.keys.find((k: { status: string }) => k.status === 'active').kid);
    expect(await introspect(fresh.json.access_token)).toBe(true);
    const { events } = await h.store.journal.trail.query('globex', { limit: 500 });
    expect(events).toContainEqual(expect.objectContaining({ action: 'key.revoke', outcome: 'success', target: { type: 'key', id: kid } }));
    expect((await h.admin('POST', `/admin/tenants/globex/keys/${kid}/revoke`)).json.error).toBe('key_not_found');
  });

  test('tenants: list, get, sign-in policy (checked, then applied), disable (issues and publishes nothing)', async () => {
    await h.createTenant('initech');
    const listed = await h.admin('GET', '/admin/tenants?limit=500');
    expect(listed.json.tenants.map((t: { tenant: string }) => t.tenant)).toEqual(expect.arrayContaining(['acme', 'globex', 'initech', 'platform']));
    const bad = await h.admin('PUT', '/admin/tenants/initech/sign-in-policy', { maxBlockSeconds: 10, blockSeconds: 60 });
    expect(bad.status).toBe(400);
    expect(bad.json.error_description).toContain('maxBlockSeconds');
    const unknown = await h.admin('PUT', '/admin/tenants/initech/sign-in-policy', { lockoutForever: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error_description).toContain('lockoutForever');
    const policy = await h.admin('PUT', '/admin/tenants/initech/sign-in-policy', { maxConsecutiveFailures: 3 });
    expect(policy.json.sign_in_policy.maxConsecutiveFailures).toBe(3);
    expect((await h.admin('GET', '/admin/tenants/initech')).json.sign_in_policy_overrides).toEqual({ maxConsecutiveFailures: 3 });

    const client = await h.createClient('initech');
    expect((await token('initech', client.client_id, client.client_secret)).status).toBe(200);
    expect((await h.admin('POST', '/admin/tenants/initech/disable')).json.status).toBe('disabled');
    expect((await token('initech', client.client_id, client.client_secret)).status).toBe(404);
    expect((await h.request('GET', '/t/initech/jwks')).status).toBe(404);
    expect((await h.admin('POST', '/admin/tenants/platform/disable')).status).toBe(400);
    const badCustomer = await h.admin('POST', '/admin/tenants', { tenant: 'hooli', customer: 'Not A Customer' });
    expect(badCustomer.status).toBe(400);
    expect(badCustomer.json.error_description).toContain('customer');
    const bound = await h.admin('POST', '/admin/tenants', { tenant: 'umbrella', customer: 'umbrella-corp' });
    expect(bound.json).toMatchObject({ customer: 'umbrella-corp', kms_key_alias: 'alias/brandstack/local/umbrella-corp' });
    expect((await h.admin('GET', '/admin/tenants/hooli')).status).toBe(404);
  });

  test.each([
    ['GET', '/admin/tenants?limit=0', undefined, 'limit'],
    ['GET', '/admin/tenants?limit=abc', undefined, 'limit'],
    ['GET', `/admin/tenants/acme/clients?after=${'x'.repeat(200)}`, undefined, 'after'],
    ['GET', '/admin/tenants/acme/clients?sort=name', undefined, 'sort'],
    ['PUT', '/admin/tenants/acme/clients/orders-svc/authorities', { authorities: ['has space'] }, 'authorities'],
    ['PUT', '/admin/tenants/acme/clients/orders-svc/authorities', { authorities: [], extra: 1 }, 'extra'],
    ['POST', '/admin/tenants/acme/customer-move', { customer: 'other', batch: 0 }, 'batch'],
    ['POST', '/admin/tenants/acme/customer-move', {}, 'customer'],
    ['POST', `/admin/tenants/acme/keys/${'A'.repeat(42)}/revoke`, undefined, 'kid'],
  ])('%s %s with a bad parameter: 400 naming %s, and nothing changes', async (method, path, body, named) => {
    const before = (await h.admin('GET', '/admin/tenants/acme')).json;
    const response = await h.admin(method, path, body);
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_request');
    expect(response.json.error_description).toContain(named);
    expect((await h.admin('GET', '/admin/tenants/acme')).json).toEqual(before);
  });

  test('/admin/openapi.json documents every route with the schemas Fastify validates with', async () => {
    const document = (await h.request('GET', '/admin/openapi.json')).json;
    expect(document.openapi).toBe('3.1.0');
    const create = document.paths['/admin/tenants/{tenant}/clients'].post;
    expect(create['x-brandstack-authority']).toBe('clients:manage');
    expect(create.requestBody.content['application/json'].schema.properties.authorities.items.pattern).toBeDefined();
    expect(create.parameters).toEqual([expect.objectContaining({ name: 'tenant', in: 'path', required: true })]);
    // The document's schema is the one enforced: what it forbids, the API refuses.
    expect(create.requestBody.content['application/json'].schema.additionalProperties).toBe(false);
    expect((await h.admin('POST', '/admin/tenants/acme/clients', { no_such_member: 1 })).status).toBe(400);
  });
});

/**
 * Issue 13 §4: personal data sent through every admin route ends up in no audit event and no
 * outbox event. The markers go where a careless implementation would copy them from: bodies,
 * query strings and path segments.
 */
describe('no personal data in the audit trail (memory store)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('memory');
    await h.createTenant('acme');
  });
  afterAll(() => h.close());

  test('e-mail, name, phone, password and secrets sent through every route appear in no event', async () => {
    const email = 'jane.doe.marker@example.com';
    const name = 'Jane Markerdottir';
    const phone = '+14155550199';
    const password = 'marker passphrase that is long enough';
    const markers = [email, name, phone, password, 'Markerdottir', '4155550199'];
    const user = await h.admin('POST', '/admin/tenants/acme/users', { username: email, email, name, phone, password });
    expect(user.status).toBe(201);
    const id = user.json.id as string;
    const client = await h.createClient('acme', { client_id: 'marker-client' });
    markers.push(client.client_secret);
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/admin/tenants/acme/users?username=${encodeURIComponent(email)}`],
      ['GET', `/admin/tenants/acme/users/${id}`],
      ['PATCH', `/admin/tenants/acme/users/${id}`, { name: `${name} II`, email: `x${email}`, phone }],
      ['PUT', `/admin/tenants/acme/users/${id}/password`, { password: `${password} again` }],
      ['PUT', `/admin/tenants/acme/users/${id}/authorities`, { authorities: ['orders:read'] }],
      ['POST', `/admin/tenants/acme/users/${id}/disable`],
      ['POST', '/admin/tenants/acme/users', { username: email, email, name, phone, password }],
      ['GET', `/admin/tenants/acme/users/${encodeURIComponent(email)}`],
      ['POST', '/admin/tenants/acme/clients/marker-client/secret'],
      ['GET', '/admin/tenants/acme/clients/marker-client'],
      ['POST', '/admin/tenants/acme/clients', { client_id: email, resources: ['https://api.example'] }],
      ['POST', '/admin/tenants', { tenant: 'acme2', display_name: name }],
      ['PUT', '/admin/tenants/acme/sign-in-policy', { maxConsecutiveFailures: 4 }],
      ['GET', '/admin/tenants/acme/audit'],
      ['DELETE', `/admin/tenants/acme/users/${id}`],
    ];
    for (const [method, path, body] of calls) {
      const response = await h.admin(method, path, body);
      expect(response.status).toBeLessThan(500);
      if (typeof response.json?.client_secret === 'string') markers.push(response.json.client_secret);
    }
    const trail = JSON.stringify([...(await h.store.journal.trail.query('acme', { limit: 500 })).events, ...(await h.store.journal.trail.query('acme2', { limit: 500 })).events]);
    expect(trail.length).toBeGreaterThan(1000);
    for (const marker of markers) expect(trail).not.toContain(marker);
    // The user is named by its opaque id only.
    expect(trail).toContain(id);
  });
});

/**
 * The stated bound (ClientDirectory, README): a disable reaches another replica within
 * CLIENT_CACHE_SECONDS. Two runtimes on one PostgreSQL store and one clock.
 */
describe('a client disabled on one replica, seen by another (postgres store)', () => {
  test('refused at once where disabled, and on the other replica once its cache (30 s) expires', async () => {
    // The second replica must open the first one's keys and check its secrets: same key material.
    const sealer = new KeySealer(randomBytes(32));
    const hasher = new SecretHasher(randomBytes(32));
    const h = await startHarness('postgres', { clientCacheSeconds: 30, sealer, hasher });
    const other = await buildIdentityRuntime({
      store: h.store,
      sealer,
      hasher,
      logger: createLogger({ level: 'silent', destination: { write: () => undefined } }),
      clock: h.clock,
      clientCacheSeconds: 30,
      processMetrics: false,
    });
    const otherBase = await other.listen('127.0.0.1', 0);
    try {
      await h.createTenant('acme');
      const created = await h.createClient('acme', { client_id: 'replicated', token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], redirect_uris: ['https://app.example/cb'] });
      expect(created.client_id).toBe('replicated');
      // A public client's metadata lookup goes through the client cache on the other replica.
      const authorize = (base: string) =>
        fetch(`${base}/t/acme/authorize?response_type=code&client_id=replicated&redirect_uri=${encodeURIComponent('https://app.example/cb')}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256`, { redirect: 'manual' });
      expect((await authorize(otherBase)).status).toBe(303);
      await h.admin('POST', '/admin/tenants/acme/clients/replicated/disable');
      expect((await authorize(h.base)).status).toBe(400);
      expect((await authorize(otherBase)).status).toBe(303);
      h.clock.advance(31);
      expect((await authorize(otherBase)).status).toBe(400);
    } finally {
      await other.close();
      await h.close();
    }
  });
});
