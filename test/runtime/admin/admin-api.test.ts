import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

describe.each(STORE_KINDS)('admin API with the %s store', (kind) => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('shop');
  });
  afterAll(() => h.close());

  describe('authentication (RFC 6750)', () => {
    test('no credentials: 401 with a Bearer challenge and no error code', async () => {
      const response = await h.request('POST', '/admin/tenants', { headers: { 'content-type': 'application/json' }, body: '{"tenant":"x1"}' });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="brandstack-admin"');
      expect(await h.store.findSigningKeys('x1')).toBeUndefined();
    });

    test('a wrong token: 401 invalid_token, and nothing is created', async () => {
      // Change a character inside the signature: the last one of a base64url RS256 signature also
      // carries unused bits, so changing it may decode to the same signature.
      const at = h.adminToken.length - 20;
      const wrong = `${h.adminToken.slice(0, at)}${h.adminToken[at] === 'A' ? 'B' : 'A'}${h.adminToken.slice(at + 1)}`;
      const response = await h.admin('POST', '/admin/tenants', { tenant: 'x2' }, wrong);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(await h.store.findSigningKeys('x2')).toBeUndefined();
      // Audited as an anonymous refusal: in the platform tenant for a platform route...
      const platform = (await h.store.journal.trail.query('platform', { limit: 500 })).events;
      expect(platform[platform.length - 1]).toMatchObject({ action: 'tenant.create', outcome: 'denied', actor: { type: 'anonymous', id: null, client_id: null } });
      // ...and in the tenant tried, when it exists.
      expect((await h.admin('GET', '/admin/tenants/shop/keys', undefined, wrong)).status).toBe(401);
      const shop = (await h.store.journal.trail.query('shop', { limit: 500 })).events;
      expect(shop[shop.length - 1]).toMatchObject({ action: 'key.list', outcome: 'denied', actor: { type: 'anonymous' } });
    });

    test('Basic credentials carrying the admin token are not accepted', async () => {
      const response = await h.request('GET', '/admin/tenants/shop/keys', { headers: { authorization: `Basic ${Buffer.from(`admin:${h.adminToken}`).toString('base64')}` } });
      expect(response.status).toBe(401);
    });
  });

  describe('tenants', () => {
    test('a created tenant is served at once with its own issuer', async () => {
      const response = await h.admin('POST', '/admin/tenants', { tenant: 'fresh-1' });
      expect(response.status).toBe(201);
      expect(response.json).toEqual({
        tenant: 'fresh-1',
        display_name: 'fresh-1',
        issuer: `${h.base}/t/fresh-1`,
        customer: null,
        kms_key_alias: null,
        customer_move: null,
        status: 'active',
        sign_in_policy_overrides: {},
        created_at: expect.any(String),
        disabled_at: null,
        keys: { active: expect.any(String), next: expect.any(String) },
      });
      const metadata = await h.request('GET', '/t/fresh-1/.well-known/openid-configuration');
      expect(metadata.json.issuer).toBe(`${h.base}/t/fresh-1`);
    });

    test('a display name is normalised and stored; it titles the tenant\'s pages', async () => {
      const response = await h.admin('POST', '/admin/tenants', { tenant: 'named-1', display_name: '  Cafe\u0301 <Acme>  ' });
      expect(response.status).toBe(201);
      expect(response.json.display_name).toBe('Caf\u00e9 <Acme>');
      expect(await h.store.findTenantProfile('named-1')).toMatchObject({ id: 'named-1', displayName: 'Caf\u00e9 <Acme>', disabled: false });
      expect(await h.store.findTenantProfile('no-such-tenant')).toBeUndefined();
    });

    test.each([['', 'must be 1 to 100 characters'], ['x'.repeat(101), 'must be 1 to 100 characters'], ['two\nlines', 'control characters']])(
      'display name %p is rejected and the tenant not created',
      async (displayName, problem) => {
        const response = await h.admin('POST', '/admin/tenants', { tenant: 'named-bad', display_name: displayName });
        expect(response.status).toBe(400);
        expect(response.json.error_description).toContain(problem);
        expect(await h.store.findSigningKeys('named-bad')).toBeUndefined();
      },
    );

    test('a duplicate tenant is 409 and keeps its keys', async () => {
      const before = (await h.admin('GET', '/admin/tenants/shop/keys')).json;
      const response = await h.admin('POST', '/admin/tenants', { tenant: 'shop' });
      expect(response.status).toBe(409);
      expect(response.json.error).toBe('tenant_exists');
      expect((await h.admin('GET', '/admin/tenants/shop/keys')).json).toEqual(before);
    });

    test.each(['Upper', 'under_score', '-leading', 'trailing-', 'a'.repeat(64), 'dots.x', ''])('tenant id %p is rejected and not created', async (tenant) => {
      const response = await h.admin('POST', '/admin/tenants', { tenant });
      expect(response.status).toBe(400);
      expect(response.json.error).toBe('invalid_request');
      expect(await h.store.findSigningKeys(tenant)).toBeUndefined();
    });

    test('unknown properties and malformed JSON are 400', async () => {
      expect((await h.admin('POST', '/admin/tenants', { tenant: 'x3', plan: 'gold' })).status).toBe(400);
      const malformed = await h.request('POST', '/admin/tenants', { headers: { authorization: `Bearer ${h.adminToken}`, 'content-type': 'application/json' }, body: '{"tenant":' });
      expect(malformed.status).toBe(400);
      expect(malformed.json.error).toBe('invalid_request');
      expect(await h.store.findSigningKeys('x3')).toBeUndefined();
    });
  });

  describe('clients', () => {
    test('a client secret is 256 bits from the CSPRNG, returned once, stored only as a keyed hash', async () => {
      const response = await h.admin('POST', '/admin/tenants/shop/clients', { resources: ['https://api.shop.example'], scope: 'a b' });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const { client_id: clientId, client_secret: secret } = response.json;
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = await h.store.findClient('shop', clientId);
      expect(stored?.secretHash).toHaveLength(32);
      expect(JSON.stringify(stored)).not.toContain(secret);
      expect(stored?.secretHash?.toString('base64url')).not.toBe(secret);
      const other = await h.createClient('shop');
      expect(other.client_secret).not.toBe(secret);
    });

    test.each([
      ['a relative resource', { resources: ['/api'] }],
      ['a resource with a fragment', { resources: ['https://api.example#x'] }],
      ['no resources', { resources: [] }],
      ['a default resource outside resources', { resources: ['https://a.example'], default_resource: 'https://b.example' }],
      ['a TTL below 60 s', { resources: ['https://a.example'], access_token_ttl: 59 }],
      ['a TTL above a day', { resources: ['https://a.example'], access_token_ttl: 86_401 }],
      ['a malformed scope', { resources: ['https://a.example'], scope: 'ok bad\\scope' }],
      ['an unknown auth method', { resources: ['https://a.example'], token_endpoint_auth_method: 'none' }],
      ['jwks on a secret client', { resources: ['https://a.example'], jwks: { keys: [{ kty: 'EC' }] } }],
      ['private_key_jwt without jwks', { resources: ['https://a.example'], token_endpoint_auth_method: 'private_key_jwt' }],
      ['a client_id with a colon', { resources: ['https://a.example'], client_id: 'a:b' }],
      ['a client secret chosen by the caller', { resources: ['https://a.example'], client_secret: 'chosen-by-me' }],
    ])('%s is rejected and nothing is created', async (_name, registration) => {
      const clientId = `rejected-${Math.random().toString(36).slice(2)}`;
      const response = await h.admin('POST', '/admin/tenants/shop/clients', { client_id: clientId, ...registration });
      expect(response.status).toBe(400);
      expect(['invalid_request', 'invalid_client_metadata']).toContain(response.json.error);
      expect(await h.store.findClient('shop', clientId)).toBeUndefined();
    });

    test('private_key_jwt registrations refuse private or weak keys', async () => {
      const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
      const privateJwk = await jose.exportJWK(privateKey);
      const withPrivate = await h.admin('POST', '/admin/tenants/shop/clients', { client_id: 'pk-private', token_endpoint_auth_method: 'private_key_jwt', resources: ['https://a.example'], jwks: { keys: [privateJwk] } });
      expect(withPrivate.status).toBe(400);
      expect(withPrivate.json.error).toBe('invalid_client_metadata');
      const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
      const weakJwk = weak.publicKey.export({ format: 'jwk' });
      const withWeak = await h.admin('POST', '/admin/tenants/shop/clients', { client_id: 'pk-weak', token_endpoint_auth_method: 'private_key_jwt', resources: ['https://a.example'], jwks: { keys: [weakJwk] } });
      expect(withWeak.status).toBe(400);
      const garbage = await h.admin('POST', '/admin/tenants/shop/clients', { client_id: 'pk-garbage', token_endpoint_auth_method: 'private_key_jwt', resources: ['https://a.example'], jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'nope' }] } });
      expect(garbage.status).toBe(400);
      for (const id of ['pk-private', 'pk-weak', 'pk-garbage']) expect(await h.store.findClient('shop', id)).toBeUndefined();
    });

    test('a client for an unknown tenant is 404 and creates nothing', async () => {
      const response = await h.admin('POST', '/admin/tenants/ghost/clients', { client_id: 'c-ghost', resources: ['https://a.example'] });
      expect(response.status).toBe(404);
      expect(response.json.error).toBe('tenant_not_found');
      expect(await h.store.findClient('ghost', 'c-ghost')).toBeUndefined();
    });

    test('a duplicate client_id is 409 and the original secret keeps working', async () => {
      const original = await h.createClient('shop', { client_id: 'dup' });
      const response = await h.admin('POST', '/admin/tenants/shop/clients', { client_id: 'dup', resources: ['https://a.example'] });
      expect(response.status).toBe(409);
      expect(response.json.error).toBe('client_exists');
      const token = await h.form('shop', 'token', { grant_type: 'client_credentials' }, basic('dup', original.client_secret));
      expect(token.status).toBe(200);
    });

    test('admin changes are audited, by the platform admin, without secrets', async () => {
      const created = await h.createClient('shop', { client_id: 'audited' });
      const { events } = await h.store.journal.trail.query('shop', { limit: 500 });
      const actor = { type: 'client', id: 'platform:platform-admin', client_id: 'platform:platform-admin' };
      expect(events).toContainEqual(expect.objectContaining({ action: 'client.create', outcome: 'success', target: { type: 'client', id: 'audited' }, actor }));
      expect(events).toContainEqual(expect.objectContaining({ action: 'tenant.create', outcome: 'success', target: { type: 'tenant', id: 'shop' }, actor }));
      expect(JSON.stringify(events)).not.toContain(created.client_secret);
      expect(h.logs.join('\n')).not.toContain(created.client_secret);
    });
  });
});
