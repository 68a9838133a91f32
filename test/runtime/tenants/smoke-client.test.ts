/**
 * The production runtime's smoke-test client: on a fresh store, start-up creates the tenant and
 * a client_credentials client with the deployment's secret, which then gets a token a real OAuth
 * client (openid-client) verifies; a second start (or a second replica) changes nothing; a client
 * stored with another secret is refused, never overwritten. Against both stores.
 */
import * as oauth from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { parseSmokeClientConfig } from '../../../runtime/src/config/smoke-client-config';
import { ConfigError, PresetClientConflict } from '../../../runtime/src/errors/operator-errors';
import { provisionSmokeClient, SMOKE_RESOURCE } from '../../../runtime/src/tenants/smoke-client';
import { basic, startHarness, STORE_KINDS, type Harness } from '../helpers/harness';

const SECRET = 'Qw3rTy7uIoP1aSdF9gHjK2lZxC5vBnM8qWeRtYuIoPaSdFgHjKlZxCvBnM0q1w2e';
const smoke = { tenant: 'acme-retail', clientId: 'smoke', secret: SECRET };

describe.each(STORE_KINDS)('smoke-test client (%s store)', (kind) => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness(kind);
  });
  afterEach(() => harness.close());

  test('a fresh store: tenant and client are created, and the client gets a verifiable token for the smoke resource only', async () => {
    expect(await provisionSmokeClient(harness.runtime.provisioning, smoke)).toEqual({ tenantCreated: true, clientCreated: true });

    // openid-client discovers the issuer and performs the client_credentials grant as the pipeline's smoke test does.
    const config = await oauth.discovery(new URL(harness.issuer('acme-retail')), 'smoke', SECRET, oauth.ClientSecretBasic(SECRET), { execute: [oauth.allowInsecureRequests] });
    const tokens = await oauth.clientCredentialsGrant(config);
    const jwks = createRemoteJWKSet(new URL(`${harness.issuer('acme-retail')}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: harness.issuer('acme-retail'), typ: 'at+jwt' });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ client_id: 'smoke', aud: SMOKE_RESOURCE });
    expect(payload.exp! - payload.iat!).toBe(60);

    // It may ask for nothing else: no scope, no other resource.
    const scoped = await harness.form('acme-retail', 'token', { grant_type: 'client_credentials', scope: 'orders.read' }, basic('smoke', SECRET));
    expect(scoped.json.error).toBe('invalid_scope');
    const elsewhere = await harness.form('acme-retail', 'token', { grant_type: 'client_credentials', resource: 'https://orders.example.com' }, basic('smoke', SECRET));
    expect(elsewhere.json.error).toBe('invalid_target');
  });

  test('a second start, and replicas starting together, change nothing and all succeed', async () => {
    const together = await Promise.all([1, 2, 3].map(() => provisionSmokeClient(harness.runtime.provisioning, smoke)));
    expect(together.filter((o) => o.tenantCreated)).toHaveLength(1);
    expect(together.filter((o) => o.clientCreated)).toHaveLength(1);
    const keysBefore = (await harness.store.findSigningKeys('acme-retail'))!.map((k) => k.kid);
    expect(await provisionSmokeClient(harness.runtime.provisioning, smoke)).toEqual({ tenantCreated: false, clientCreated: false });
    expect((await harness.store.findSigningKeys('acme-retail'))!.map((k) => k.kid)).toEqual(keysBefore);
    const token = await harness.form('acme-retail', 'token', { grant_type: 'client_credentials' }, basic('smoke', SECRET));
    expect(token.status).toBe(200);
  });

  test('an existing tenant keeps its keys; the client is added to it', async () => {
    await harness.createTenant('acme-retail');
    const keysBefore = (await harness.store.findSigningKeys('acme-retail'))!.map((k) => k.kid);
    expect(await provisionSmokeClient(harness.runtime.provisioning, smoke)).toEqual({ tenantCreated: false, clientCreated: true });
    expect((await harness.store.findSigningKeys('acme-retail'))!.map((k) => k.kid)).toEqual(keysBefore);
  });

  test('a stored client with another secret is refused with a coded error and left as it was', async () => {
    await provisionSmokeClient(harness.runtime.provisioning, smoke);
    const other = { ...smoke, secret: SECRET.split('').reverse().join('') };
    const error = await provisionSmokeClient(harness.runtime.provisioning, other).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PresetClientConflict);
    expect((error as PresetClientConflict).code).toBe('preset_client_conflict');
    expect((error as PresetClientConflict).message).toBe('client "smoke" of tenant "acme-retail" exists with another secret; delete it or restore the secret it was created with');
    expect((error as Error).message).not.toContain(other.secret);
    expect((await harness.form('acme-retail', 'token', { grant_type: 'client_credentials' }, basic('smoke', SECRET))).status).toBe(200);
  });

  test('a stored client of that id that authenticates otherwise is refused', async () => {
    await harness.createTenant('acme-retail');
    await harness.createClient('acme-retail', { client_id: 'smoke', token_endpoint_auth_method: 'client_secret_post' });
    const error = await provisionSmokeClient(harness.runtime.provisioning, smoke).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PresetClientConflict);
    expect((error as Error).message).toContain('with authentication method client_secret_post, not client_secret_basic');
  });
});

describe('SMOKE_TENANT, SMOKE_CLIENT_ID, SMOKE_CLIENT_SECRET', () => {
  const env = { SMOKE_TENANT: 'acme-retail', SMOKE_CLIENT_ID: 'smoke', SMOKE_CLIENT_SECRET: SECRET };
  const refusal = (overrides: Record<string, string | undefined>): ConfigError => {
    try {
      parseSmokeClientConfig({ ...env, ...overrides });
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  test('all three give the smoke client; none gives none', () => {
    expect(parseSmokeClientConfig(env)).toEqual(smoke);
    expect(parseSmokeClientConfig({})).toBeUndefined();
  });

  test.each<[Record<string, string | undefined>, string, RegExp]>([
    [{ SMOKE_CLIENT_SECRET: undefined }, 'SMOKE_CLIENT_SECRET', /^SMOKE_CLIENT_SECRET is required when any of SMOKE_TENANT, SMOKE_CLIENT_ID, SMOKE_CLIENT_SECRET is set/],
    [{ SMOKE_TENANT: undefined }, 'SMOKE_TENANT', /^SMOKE_TENANT is required/],
    [{ SMOKE_TENANT: 'Acme Retail' }, 'SMOKE_TENANT', /^SMOKE_TENANT must be a tenant id/],
    [{ SMOKE_CLIENT_ID: 'smoke client' }, 'SMOKE_CLIENT_ID', /^SMOKE_CLIENT_ID must be a client id/],
    [{ SMOKE_CLIENT_SECRET: 'short' }, 'SMOKE_CLIENT_SECRET', /^SMOKE_CLIENT_SECRET must be at least 32 characters\.$/],
  ])('%j is refused naming %s', (overrides, variable, message) => {
    const error = refusal(overrides);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  test('a refusal never echoes the secret', () => {
    expect(refusal({ SMOKE_TENANT: 'Bad Tenant' }).message).not.toContain(SECRET);
  });
});
