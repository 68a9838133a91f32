import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import * as client from 'openid-client';
import { bundleRuntime } from '../../runtime/build';
import { rsaThumbprint } from '../../runtime/src/keys/rsa-key';
import { decodeJwt } from './helpers/harness';
import { querySchema, TEST_PG_URL, uniqueSchema } from './helpers/postgres';
import { productionEnv } from './helpers/production-env';
import { spawnEntrypoint } from './helpers/processes';

const isJson = (line: string) => line.startsWith('{');

describe('npm start (runtime/src/main.ts)', () => {
  test('with zero configuration it serves tenant demo and prints generated credentials once', async () => {
    const proc = spawnEntrypoint('runtime/src/main.ts', { PORT: '0' });
    try {
      const printed = JSON.parse(await proc.waitForLine(isJson));
      expect(printed).toEqual({
        issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/t\/demo$/),
        token_endpoint: `${printed.issuer}/token`,
        tenant: 'demo',
        client_id: expect.any(String),
        client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        admin_issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/t\/platform$/),
        admin_client_id: 'platform-admin',
        admin_client_secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        public_client_id: 'demo-public',
        redirect_uris: [`${printed.issuer.replace(/\/t\/demo$/, '')}/demo/callback`],
        username: 'demo',
        // Generated: at least NIST SP 800-63B rev. 4's 15 characters.
        password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
        authorize_url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/t\/demo\/authorize\?response_type=code&client_id=demo-public&/),
      });
      // The printed authorize_url opens the hosted sign-in page.
      const authorize = await fetch(printed.authorize_url, { redirect: 'manual' });
      expect(authorize.status).toBe(303);
      const page = await fetch(authorize.headers.get('location')!, { headers: { cookie: authorize.headers.getSetCookie()[0]!.split(';')[0]! } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('autocomplete="current-password"');

      const config = await client.discovery(new URL(printed.issuer), printed.client_id, undefined, client.ClientSecretBasic(printed.client_secret), {
        execute: [client.allowInsecureRequests],
      });
      const tokens = await client.clientCredentialsGrant(config, { scope: 'demo.read' });
      const { payload } = await jose.jwtVerify(tokens.access_token, jose.createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), {
        issuer: printed.issuer,
        typ: 'at+jwt',
      });
      expect(payload).toMatchObject({ tenant: 'demo', client_id: printed.client_id, scope: 'demo.read', aud: 'https://demo.api.brandstack.example' });
      expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);

      const base = printed.issuer.replace(/\/t\/demo$/, '');
      const newcomer = await newcomerFlow(base, printed);
      const demoReady = await fetch(`${base}/healthz/ready`);
      expect(demoReady.status).toBe(200);
      expect(await demoReady.json()).toEqual({ status: 'ready', checks: { store: 'ok', keys: 'ok' } });

      expect(await proc.stop()).toBe(0);
      expect(proc.stdout().trim().split('\n')).toHaveLength(1);
      const logs = proc.stderr();
      expect(logs).toContain('identity runtime listening');
      for (const secret of [printed.client_secret, printed.admin_client_secret, tokens.access_token, ...newcomer.secrets]) expect(logs).not.toContain(secret);
    } finally {
      await proc.stop();
    }
  });

  test('DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, PLATFORM_ADMIN_CLIENT_SECRET and SIGNING_KEY_FILE are used and not printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-main-'));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'signing.pem'), privateKey.export({ format: 'pem', type: 'pkcs1' }));
    const secret = randomBytes(32).toString('base64url');
    const adminSecret = randomBytes(32).toString('base64url');
    const proc = spawnEntrypoint('runtime/src/main.ts', {
      PORT: '0',
      DEMO_CLIENT_ID: 'demo-service',
      DEMO_CLIENT_SECRET: secret,
      PLATFORM_ADMIN_CLIENT_SECRET: adminSecret,
      SIGNING_KEY_FILE: join(dir, 'signing.pem'),
      DEMO_USERNAME: 'newcomer',
      DEMO_PASSWORD: 'a demo password long enough',
      DEMO_REDIRECT_URIS: 'https://rp.example/cb, http://localhost:3000/callback',
    });
    try {
      const printed = JSON.parse(await proc.waitForLine(isJson));
      expect(printed).toEqual({
        issuer: expect.any(String),
        token_endpoint: expect.any(String),
        tenant: 'demo',
        client_id: 'demo-service',
        admin_issuer: expect.stringMatching(/\/t\/platform$/),
        admin_client_id: 'platform-admin',
        public_client_id: 'demo-public',
        redirect_uris: ['https://rp.example/cb', 'http://localhost:3000/callback'],
        username: 'newcomer',
      });
      // The given secret works, and is not printed.
      const admin = await clientToken(printed.admin_issuer.replace(/\/t\/platform$/, ''), 'platform', 'platform-admin', adminSecret);
      expect(admin.split('.')).toHaveLength(3);
      expect(JSON.stringify(printed)).not.toContain('a demo password long enough');
      const response = await fetch(printed.token_endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`demo-service:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      const { access_token: token } = (await response.json()) as { access_token: string };
      const jwk = publicKey.export({ format: 'jwk' });
      expect(decodeJwt(token).header.kid).toBe(rsaThumbprint(jwk.n!, jwk.e!));
      await expect(jose.jwtVerify(token, publicKey, { issuer: printed.issuer })).resolves.toBeDefined();
      expect(proc.stderr()).not.toContain(secret);
      expect(proc.stderr()).not.toContain(adminSecret);
      expect(proc.stderr()).not.toContain('a demo password long enough');
    } finally {
      await proc.stop();
    }
  });

  test('a DEMO_PASSWORD below 15 characters or a bad DEMO_REDIRECT_URIS exits 78 naming the variable', async () => {
    const short = spawnEntrypoint('runtime/src/main.ts', { PORT: '0', DEMO_PASSWORD: 'short' });
    expect(await short.exited).toBe(78);
    expect(short.stderr()).toMatch(/^identity runtime: DEMO_PASSWORD is not accepted: .*15/);
    const redirect = spawnEntrypoint('runtime/src/main.ts', { PORT: '0', DEMO_REDIRECT_URIS: 'http://rp.example/cb' });
    expect(await redirect.exited).toBe(78);
    expect(redirect.stderr()).toMatch(/^identity runtime: DEMO_REDIRECT_URIS is not accepted: redirect_uris\[0\] must use https/);
  });

  test('invalid configuration exits 78 with a sentence naming the variable', async () => {
    const proc = spawnEntrypoint('runtime/src/main.ts', { PORT: 'eighty' });
    expect(await proc.exited).toBe(78);
    expect(proc.stderr().trim()).toBe('identity runtime: PORT must be an integer from 0 to 65535, got "eighty".');
    expect(proc.stdout()).toBe('');
  });
});

describe('production entrypoint (runtime/src/server.ts)', () => {
  test('refuses to start without configuration', async () => {
    const proc = spawnEntrypoint('runtime/src/server.ts', {});
    expect(await proc.exited).toBe(78);
    expect(proc.stderr().trim()).toBe(
      'identity runtime: DATABASE_URL or DATABASE_URL_FILE is required: the PostgreSQL URL (e.g. postgres://user@host:5432/identity), or the path of a file holding it.',
    );
  });

  test('refuses to start without PLATFORM_ADMIN_CLIENT_SECRET', async () => {
    const proc = spawnEntrypoint(
      'runtime/src/server.ts',
      productionEnv({ DATABASE_URL: TEST_PG_URL, PLATFORM_ADMIN_CLIENT_SECRET: undefined, AMQP_URL: undefined, ISSUER_BASE_URL: 'https://id.example.com', HOST: undefined, PORT: undefined }),
    );
    expect(await proc.exited).toBe(78);
    expect(proc.stderr()).toMatch(/^identity runtime: PLATFORM_ADMIN_CLIENT_SECRET is required/);
  });

  test('exits 1 with a clear message when PostgreSQL cannot be reached, without the password', async () => {
    const proc = spawnEntrypoint(
      'runtime/src/server.ts',
      productionEnv({ DATABASE_URL: 'postgres://identity:hunter2-password@127.0.0.1:1/identity', ISSUER_BASE_URL: 'https://id.example.com', HOST: undefined, PORT: undefined }),
    );
    expect(await proc.exited).toBe(1);
    expect(proc.stderr()).toMatch(/^identity runtime: failed to start: cannot connect to PostgreSQL at DATABASE_URL/);
    expect(proc.stderr()).not.toContain('hunter2');
  });
});

describe('the esbuild bundle (npm run bundle:runtime)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bs-bundle-'));
  let outfile: string;

  beforeAll(async () => {
    ({ outfile } = await bundleRuntime(outdir));
  });

  test('runs with plain node against PostgreSQL (URL from a file, as in the cluster) and issues verifiable tokens', async () => {
    const pg = uniqueSchema();
    const adminSecret = randomBytes(32).toString('base64url');
    const urlFile = join(mkdtempSync(join(tmpdir(), 'bs-dburl-')), 'DATABASE_URL');
    writeFileSync(urlFile, TEST_PG_URL);
    const proc = spawnEntrypoint(outfile, productionEnv({ DATABASE_URL_FILE: urlFile, DATABASE_SCHEMA: pg.schema, PLATFORM_ADMIN_CLIENT_SECRET: adminSecret }));
    try {
      const listening = JSON.parse(await proc.waitForLine((l) => l.includes('identity runtime listening')));
      const base: string = listening.listening;
      const ready = await fetch(`${base}/healthz/ready`);
      expect(ready.status).toBe(200);
      // Local keys were asked for explicitly: every readiness answer says so, and the start logged it.
      expect(await ready.json()).toEqual({ status: 'ready', checks: { store: 'ok', keys: 'ok' }, warnings: ['insecure_local_keys'] });
      expect(proc.stdout()).toContain('keys.insecure_local');
      const adminToken = await clientToken(base, 'platform', 'platform-admin', adminSecret);
      const admin = (path: string, body: unknown) =>
        fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await admin('/admin/tenants', { tenant: 'prod' })).status).toBe(201);
      const created = (await (await admin('/admin/tenants/prod/clients', { resources: ['https://api.example.test'], scope: 'read' })).json()) as { client_id: string; client_secret: string };
      const metadata = (await (await fetch(`${base}/.well-known/oauth-authorization-server/t/prod`)).json()) as { issuer: string };
      expect(metadata.issuer).toBe('https://id.example.test/t/prod');
      const response = await fetch(`${base}/t/prod/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(200);
      const { access_token: token } = (await response.json()) as { access_token: string };
      const jwks = jose.createLocalJWKSet((await (await fetch(`${base}/t/prod/jwks`)).json()) as jose.JSONWebKeySet);
      const { payload } = await jose.jwtVerify(token, jwks, { issuer: 'https://id.example.test/t/prod', audience: 'https://api.example.test', typ: 'at+jwt' });
      expect(payload).toMatchObject({ tenant: 'prod', scope: 'read' });
      expect(await proc.stop()).toBe(0);
      // Production logs go to stdout as JSON, without secrets.
      const logs = proc.stdout();
      for (const line of logs.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      for (const secret of [adminSecret, adminToken, created.client_secret, token]) expect(logs + proc.stderr()).not.toContain(secret);
    } finally {
      await proc.stop();
      await pg.drop();
    }
  });

  test('refuses to start without configuration', async () => {
    const proc = spawnEntrypoint(outfile, {});
    expect(await proc.exited).toBe(78);
    expect(proc.stderr()).toMatch(/^identity runtime: DATABASE_URL or DATABASE_URL_FILE is required/);
  });
});

/** A client_credentials access token (RFC 6749 §4.4) of a client of `tenant`. */
async function clientToken(base: string, tenant: string, clientId: string, secret: string): Promise<string> {
  const response = await fetch(`${base}/t/${tenant}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token for ${clientId}: ${response.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * Issue 13's "done when", as a newcomer does it with what npm start printed: the platform
 * admin creates a tenant and a tenant-admin client; the tenant admin creates a user and a client
 * and reads its tenant's audit trail; it is refused (403) in another tenant, and the refusal is
 * in that tenant's trail.
 */
async function newcomerFlow(base: string, printed: { admin_issuer: string; admin_client_id: string; admin_client_secret: string }): Promise<{ secrets: string[] }> {
  const call = async (token: string, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };
  expect(printed.admin_issuer).toBe(`${base}/t/platform`);
  const platform = await clientToken(base, 'platform', printed.admin_client_id, printed.admin_client_secret);
  expect((await call(platform, 'POST', '/admin/tenants', { tenant: 'acme', display_name: 'Acme', customer: 'acme' })).status).toBe(201);
  const tenantAdmin = await call(platform, 'POST', '/admin/tenants/acme/clients', { client_id: 'acme-admin', authorities: ['tenant:admin'] });
  expect(tenantAdmin.status).toBe(201);
  const acme = await clientToken(base, 'acme', 'acme-admin', tenantAdmin.json.client_secret);

  const user = await call(acme, 'POST', '/admin/tenants/acme/users', { username: 'jane', email: 'jane@acme.example', password: 'correct horse battery staple' });
  expect(user.status).toBe(201);
  const app = await call(acme, 'POST', '/admin/tenants/acme/clients', { resources: ['https://api.acme.example'], scope: 'orders.read' });
  expect(app.status).toBe(201);
  const trail = await call(acme, 'GET', '/admin/tenants/acme/audit');
  expect(trail.status).toBe(200);
  expect(trail.json.events.map((e: { action: string }) => e.action)).toEqual(['tenant.create', 'client.create', 'user.create', 'client.create']);
  expect(JSON.stringify(trail.json)).not.toContain('jane');

  const outside = await call(acme, 'GET', '/admin/tenants/demo/clients');
  expect(outside.status).toBe(403);
  const demoTrail = await call(platform, 'GET', '/admin/tenants/demo/audit');
  expect(demoTrail.json.events).toContainEqual(
    expect.objectContaining({ action: 'client.list', outcome: 'denied', actor: { type: 'client', id: 'acme:acme-admin', client_id: 'acme:acme-admin' } }),
  );
  expect((await call(platform, 'GET', '/admin/tenants/acme/audit/verify')).json.ok).toBe(true);
  return { secrets: [platform, acme, tenantAdmin.json.client_secret, app.json.client_secret] };
}

describe('npm start with DATABASE_URL (development mode, issue 14 §9)', () => {
  test('PostgreSQL with local keys in a state directory: nothing personal in plaintext, and a restart still reads it all', async () => {
    const pg = uniqueSchema();
    const stateDir = mkdtempSync(join(tmpdir(), 'bs-dev-'));
    const env = { PORT: '0', DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: pg.schema, BRANDSTACK_STATE_DIR: stateDir };
    const first = spawnEntrypoint('runtime/src/main.ts', env);
    let userId: string;
    let adminSecret: string;
    try {
      const printed = JSON.parse(await first.waitForLine(isJson));
      const base = printed.issuer.replace(/\/t\/demo$/, '');
      adminSecret = printed.admin_client_secret;
      const admin = await clientToken(base, 'platform', 'platform-admin', adminSecret);
      const created = await fetch(`${base}/admin/tenants/demo/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dev.person@example.org', name: 'Devon Persistent', phone: '+14155550100' }),
      });
      expect(created.status).toBe(201);
      userId = ((await created.json()) as { id: string }).id;
      expect(await first.stop()).toBe(0);
    } finally {
      await first.stop();
    }
    try {
      const rows = await querySchema<{ row: string }>(pg.schema, 'SELECT u::text AS row FROM users u');
      expect(rows.length).toBe(2);
      for (const { row } of rows) for (const plain of ['dev.person', 'Devon', '4155550100', 'Demo User']) expect(row).not.toContain(plain);
      expect(statSync(join(stateDir, 'local-keys.json')).mode & 0o777).toBe(0o600);

      const second = spawnEntrypoint('runtime/src/main.ts', env);
      try {
        const printed = JSON.parse(await second.waitForLine(isJson));
        const base = printed.issuer.replace(/\/t\/demo$/, '');
        // The same administrator, and the user sealed by the first process opens in the second.
        expect(printed.admin_client_secret).toBe(adminSecret);
        const admin = await clientToken(base, 'platform', 'platform-admin', adminSecret);
        const read = await fetch(`${base}/admin/tenants/demo/users/${userId}`, { headers: { authorization: `Bearer ${admin}` } });
        expect(((await read.json()) as { name: string }).name).toBe('Devon Persistent');
        // The demo client got a new secret, which works.
        const token = await fetch(printed.token_endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${printed.client_id}:${printed.client_secret}`).toString('base64')}` },
          body: 'grant_type=client_credentials',
        });
        expect(token.status).toBe(200);
      } finally {
        await second.stop();
      }
    } finally {
      await pg.drop();
    }
  });
});
