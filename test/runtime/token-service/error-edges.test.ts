import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness, HttpResult } from '../helpers/harness';

/** RFC 6749 §5.2: an error body is exactly { error, error_description }, JSON, never cached (§5.1). */
function expectOAuthShape(response: HttpResult, status: number, error: string): void {
  expect({ status: response.status, error: response.json?.error }).toEqual({ status, error });
  expect(Object.keys(response.json).sort()).toEqual(['error', 'error_description']);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('pragma')).toBe('no-cache');
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(STORE_KINDS)('errors the router and the tenant lookup raise, %s store', (kind) => {
  let h: Harness;
  let client: { client_id: string; client_secret: string };

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('acme');
    client = await h.createClient('acme');
  });
  afterAll(() => h.close());

  // Longer than routerOptions.maxParamLength (128): refused by the router before any route runs.
  const long = 'a'.repeat(200);
  const longPaths: [string, string][] = [
    ['POST', `/t/${long}/token`],
    ['POST', `/t/${long}/introspect`],
    ['POST', `/t/${long}/revoke`],
    ['GET', `/t/${long}/userinfo`],
    ['GET', `/t/${long}/jwks`],
    ['GET', `/t/${long}/.well-known/openid-configuration`],
    ['GET', `/.well-known/oauth-authorization-server/t/${long}`],
    ['GET', `/t/${long}/authorize`],
    ['GET', `/admin/tenants/${long}/keys`],
  ];

  test.each(longPaths)('%s %s: an over-long path parameter is an RFC 6749 invalid_request, not a Fastify error', async (method, path) => {
    const response = await h.request(method, path, method === 'POST' ? { headers: form, body: 'grant_type=client_credentials' } : {});
    expectOAuthShape(response, 400, 'invalid_request');
    // Neither Fastify's code nor the attacker's path is echoed back.
    expect(response.text).not.toContain('FST_ERR');
    expect(response.text).not.toContain(long);
  });

  test('a path that is not validly percent-encoded is an RFC 6749 invalid_request too', async () => {
    const response = await h.request('POST', '/t/ac%E0%A4%A/token', { headers: form, body: 'grant_type=client_credentials' });
    expectOAuthShape(response, 400, 'invalid_request');
    expect(response.text).not.toContain('FST_ERR');
  });

  test('a tenant id at the length limit still reaches the route (the limit is not lower than intended)', async () => {
    const response = await h.request('POST', `/t/${'a'.repeat(128)}/token`, { headers: form, body: 'grant_type=client_credentials' });
    expect(response.status).toBe(404);
    expect(response.json.error).toBe('tenant_not_found');
  });

  const unknownTenant: [string, string][] = [
    ['POST', '/t/nope/token'],
    ['POST', '/t/nope/introspect'],
    ['POST', '/t/nope/revoke'],
    ['GET', '/t/nope/userinfo'],
    ['GET', '/t/nope/jwks'],
    ['GET', '/t/nope/.well-known/openid-configuration'],
    ['GET', '/.well-known/oauth-authorization-server/t/nope'],
  ];

  test.each(unknownTenant)('%s %s: an unknown tenant is a 404 with Cache-Control: no-store (RFC 6749 section 5.1)', async (method, path) => {
    const response = await h.request(method, path, method === 'POST' ? { headers: { ...form, ...basic(client.client_id, client.client_secret) }, body: 'grant_type=client_credentials&token=x' } : {});
    expectOAuthShape(response, 404, 'tenant_not_found');
  });

  test.each([
    ['token', { grant_type: 'client_credentials' }, 401, 'invalid_client'],
    ['token', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
    ['introspect', {}, 400, 'invalid_request'],
    ['revoke', {}, 400, 'invalid_request'],
  ] as const)('%s: an error answer (%j) carries Cache-Control: no-store', async (endpoint, params, status, error) => {
    const headers = status === 401 ? {} : basic(client.client_id, client.client_secret);
    expectOAuthShape(await h.form('acme', endpoint, params, headers), status, error);
  });

  test('userinfo without a token is refused with Cache-Control: no-store', async () => {
    const response = await h.request('GET', '/t/acme/userinfo');
    expectOAuthShape(response, 401, 'invalid_request');
  });
});
