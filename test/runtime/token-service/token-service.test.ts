import * as jose from 'jose';
import * as client from 'openid-client';
import { basic, decodeJwt, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * The behavioural suite: a real OAuth client (openid-client) and a real JWT verifier (jose)
 * against a started server, once with the embedded store and once with PostgreSQL.
 */
describe.each(STORE_KINDS)('token service with the %s store', (kind) => {
  let h: Harness;
  let alpha: { client_id: string; client_secret: string };

  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('alpha');
    await h.createTenant('beta');
    alpha = await h.createClient('alpha', { access_token_ttl: 600 });
  });
  afterAll(() => h.close());

  const discover = (tenant: string, clientId: string, auth: client.ClientAuth, algorithm: 'oidc' | 'oauth2' = 'oidc') =>
    client.discovery(new URL(h.issuer(tenant)), clientId, undefined, auth, { execute: [client.allowInsecureRequests], algorithm });

  const verify = (token: string, tenant: string, audience?: string | string[]) =>
    jose.jwtVerify(token, jose.createRemoteJWKSet(new URL(`${h.issuer(tenant)}/jwks`)), {
      issuer: h.issuer(tenant),
      audience,
      typ: 'at+jwt',
      algorithms: ['RS256'],
    });

  test('metadata is discoverable at the OpenID location and the RFC 8414 path-inserted location', async () => {
    const oidc = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const oauth = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret), 'oauth2');
    const issuer = h.issuer('alpha');
    expect(oidc.serverMetadata()).toEqual(oauth.serverMetadata());
    expect(oidc.serverMetadata()).toMatchObject({
      issuer,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      introspection_endpoint: `${issuer}/introspect`,
      revocation_endpoint: `${issuer}/revoke`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    });
    expect(oauth.serverMetadata().issuer).toBe(`${h.base}/t/alpha`);
    const beta = await h.request('GET', '/.well-known/oauth-authorization-server/t/beta');
    expect(beta.json.issuer).toBe(`${h.base}/t/beta`);
  });

  test('client_credentials with client_secret_basic issues an RFC 9068 access token that verifies against the JWKS', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'orders.read' });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(600);
    expect(tokens.scope).toBe('orders.read');

    const { payload, protectedHeader } = await verify(tokens.access_token, 'alpha', 'https://orders.example.com');
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: expect.any(String) });
    expect(payload).toEqual({
      iss: h.issuer('alpha'),
      sub: alpha.client_id,
      aud: 'https://orders.example.com',
      exp: (payload.iat as number) + 600,
      iat: expect.any(Number),
      jti: expect.any(String),
      client_id: alpha.client_id,
      scope: 'orders.read',
      tenant: 'alpha',
    });
    expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  test('each token has its own jti', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const [a, b] = await Promise.all([client.clientCredentialsGrant(config), client.clientCredentialsGrant(config)]);
    expect(decodeJwt(a.access_token).payload.jti).not.toBe(decodeJwt(b.access_token).payload.jti);
  });

  test('the JWKS publishes only public RSA keys of at least 2048 bits, one of which signed the token', async () => {
    const jwks = await h.request('GET', '/t/alpha/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    expect(jwks.json.keys.length).toBeGreaterThanOrEqual(2); // active and pre-published next
    for (const key of jwks.json.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(Buffer.from(key.n, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
      expect(key.kid).toBe(await jose.calculateJwkThumbprint({ kty: 'RSA', n: key.n, e: key.e }));
    }
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const { access_token } = await client.clientCredentialsGrant(config);
    expect(jwks.json.keys.map((k: { kid: string }) => k.kid)).toContain(decodeJwt(access_token).header.kid);
  });

  test('client_secret_post authenticates a client registered for it', async () => {
    const postClient = await h.createClient('alpha', { token_endpoint_auth_method: 'client_secret_post' });
    const config = await discover('alpha', postClient.client_id, client.ClientSecretPost(postClient.client_secret));
    const tokens = await client.clientCredentialsGrant(config);
    const { payload } = await verify(tokens.access_token, 'alpha');
    expect(payload.client_id).toBe(postClient.client_id);
  });

  test.each(['RS256', 'PS256', 'ES256', 'Ed25519'])('private_key_jwt (RFC 7523) with an %s client key', async (alg) => {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), alg, kid: 'k1' };
    const pkClient = await h.createClient('alpha', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    expect(pkClient.client_secret).toBeUndefined();
    const config = await discover('alpha', pkClient.client_id, client.PrivateKeyJwt({ key: privateKey as jose.CryptoKey, kid: 'k1' }));
    const tokens = await client.clientCredentialsGrant(config, { resource: 'https://billing.example.com' });
    const { payload } = await verify(tokens.access_token, 'alpha', 'https://billing.example.com');
    expect(payload.sub).toBe(pkClient.client_id);
    // The same client introspects and revokes with fresh assertions.
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  test('without a scope parameter the client gets its registered scopes; without resource, its default resource', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const tokens = await client.clientCredentialsGrant(config);
    expect(tokens.scope).toBe('orders.read orders.write');
    const { payload } = await verify(tokens.access_token, 'alpha');
    expect(payload.aud).toBe('https://orders.example.com');
    expect(payload.scope).toBe('orders.read orders.write');
  });

  test('resource indicators (RFC 8707) set aud, several give an array', async () => {
    const withDefault = await h.createClient('alpha', {
      resources: ['https://orders.example.com', 'https://billing.example.com'],
      default_resource: 'https://billing.example.com',
    });
    const config = await discover('alpha', withDefault.client_id, client.ClientSecretBasic(withDefault.client_secret));
    const byDefault = decodeJwt((await client.clientCredentialsGrant(config)).access_token).payload;
    expect(byDefault.aud).toBe('https://billing.example.com');
    const params = new URLSearchParams([
      ['resource', 'https://orders.example.com'],
      ['resource', 'https://billing.example.com'],
    ]);
    const tokens = await client.clientCredentialsGrant(config, params);
    const { payload } = await verify(tokens.access_token, 'alpha', 'https://billing.example.com');
    expect(payload.aud).toEqual(['https://orders.example.com', 'https://billing.example.com']);
  });

  test('a client without scopes gets a token without a scope claim', async () => {
    const bare = await h.createClient('alpha', { scope: '' });
    const response = await h.form('alpha', 'token', { grant_type: 'client_credentials' }, basic(bare.client_id, bare.client_secret));
    expect(response.status).toBe(200);
    expect(response.json.scope).toBeUndefined();
    expect(decodeJwt(response.json.access_token).payload.scope).toBeUndefined();
  });

  test('the token lifetime is set per client', async () => {
    const short = await h.createClient('alpha', { access_token_ttl: 60 });
    const long = await h.createClient('alpha', { access_token_ttl: 3600 });
    for (const [c, ttl] of [[short, 60], [long, 3600]] as const) {
      const response = await h.form('alpha', 'token', { grant_type: 'client_credentials' }, basic(c.client_id, c.client_secret));
      expect(response.json.expires_in).toBe(ttl);
      const { payload } = decodeJwt(response.json.access_token);
      expect(payload.exp - payload.iat).toBe(ttl);
    }
  });

  test('token responses are not cacheable (RFC 6749 section 5.1) and use token_type Bearer', async () => {
    const response = await h.form('alpha', 'token', { grant_type: 'client_credentials' }, basic(alpha.client_id, alpha.client_secret));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('pragma')).toBe('no-cache');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json.token_type).toBe('Bearer');
  });

  test('introspection (RFC 7662) reports an active token with its claims', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const tokens = await client.clientCredentialsGrant(config, { scope: 'orders.write' });
    const result = await client.tokenIntrospection(config, tokens.access_token);
    const { payload } = decodeJwt(tokens.access_token);
    expect(result).toEqual({
      active: true,
      scope: 'orders.write',
      client_id: alpha.client_id,
      token_type: 'Bearer',
      exp: payload.exp,
      iat: payload.iat,
      sub: alpha.client_id,
      aud: 'https://orders.example.com',
      iss: h.issuer('alpha'),
      jti: payload.jti,
      tenant: 'alpha',
    });
  });

  test('a resource server holding `introspect` can introspect another client\'s token; any other client cannot, and is audited', async () => {
    const resourceServer = await h.createClient('alpha', { authorities: ['introspect'] });
    const bystander = await h.createClient('alpha');
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const { access_token } = await client.clientCredentialsGrant(config);
    const rsConfig = await discover('alpha', resourceServer.client_id, client.ClientSecretBasic(resourceServer.client_secret));
    expect((await client.tokenIntrospection(rsConfig, access_token)).active).toBe(true);
    // The owner may read its own token.
    expect((await client.tokenIntrospection(config, access_token)).active).toBe(true);
    // Answered like an invalid token: the bystander learns nothing about it.
    const bystanderConfig = await discover('alpha', bystander.client_id, client.ClientSecretBasic(bystander.client_secret));
    expect(await client.tokenIntrospection(bystanderConfig, access_token)).toEqual({ active: false });
    const { jti } = decodeJwt(access_token).payload;
    const { events } = await h.store.journal.trail.query('alpha', { limit: 500 });
    const introspections = events.filter((e) => e.action === 'token.introspect' && e.target.id === jti);
    expect(introspections.map((e) => [e.actor.id, e.outcome])).toEqual([
      [resourceServer.client_id, 'success'],
      [alpha.client_id, 'success'],
      [bystander.client_id, 'denied'],
    ]);
  });

  test('revocation (RFC 7009) makes the token inactive, is idempotent, and accepts unknown tokens', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const { access_token } = await client.clientCredentialsGrant(config);
    await client.tokenRevocation(config, access_token);
    expect(await client.tokenIntrospection(config, access_token)).toEqual({ active: false });
    await client.tokenRevocation(config, access_token, { token_type_hint: 'access_token' });
    await client.tokenRevocation(config, 'not-a-token');
    // Other tokens of the same client stay active.
    const other = await client.clientCredentialsGrant(config);
    expect((await client.tokenIntrospection(config, other.access_token)).active).toBe(true);
  });

  test('anything that is not a valid token of this tenant introspects as inactive', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const { access_token } = await client.clientCredentialsGrant(config);
    const [header, payload, signature] = access_token.split('.') as [string, string, string];
    const claims = decodeJwt(access_token).payload;
    const reencode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = [
      'garbage',
      '',
      'a.b.c',
      `${header}.${reencode({ ...claims, scope: 'admin' })}.${signature}`, // payload changed
      `${reencode({ alg: 'none', typ: 'at+jwt' })}.${payload}.`, // unsigned
      `${reencode({ ...decodeJwt(access_token).header, alg: 'HS256' })}.${payload}.${signature}`,
      `${reencode({ ...decodeJwt(access_token).header, kid: 'unknown' })}.${payload}.${signature}`,
      `${reencode({ ...decodeJwt(access_token).header, typ: 'JWT' })}.${payload}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
    ];
    for (const token of forged) {
      const response = await h.form('alpha', 'introspect', { token: token === '' ? ' ' : token }, basic(alpha.client_id, alpha.client_secret));
      expect({ token, status: response.status, body: response.json }).toEqual({ token, status: 200, body: { active: false } });
    }
    // A JWT signed with a key the tenant does not have, with every claim otherwise right.
    const { privateKey } = await jose.generateKeyPair('RS256');
    const stranger = await new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: decodeJwt(access_token).header.kid })
      .sign(privateKey);
    expect((await client.tokenIntrospection(config, stranger)).active).toBe(false);
  });

  describe('tenant isolation', () => {
    let betaClient: { client_id: string; client_secret: string };
    let betaToken: string;

    beforeAll(async () => {
      betaClient = await h.createClient('beta');
      const response = await h.form('beta', 'token', { grant_type: 'client_credentials' }, basic(betaClient.client_id, betaClient.client_secret));
      betaToken = response.json.access_token;
    });

    test("tenant A's client cannot get a token from tenant B", async () => {
      const response = await h.form('beta', 'token', { grant_type: 'client_credentials' }, basic(alpha.client_id, alpha.client_secret));
      expect(response.status).toBe(401);
      expect(response.json.error).toBe('invalid_client');
    });

    test("tenant A's client cannot introspect at tenant B", async () => {
      const response = await h.form('beta', 'introspect', { token: betaToken }, basic(alpha.client_id, alpha.client_secret));
      expect(response.status).toBe(401);
      expect(response.json.error).toBe('invalid_client');
    });

    test("tenant B's token is inactive at tenant A, although it is valid at B", async () => {
      const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
      expect(await client.tokenIntrospection(config, betaToken)).toEqual({ active: false });
      const atBeta = await h.form('beta', 'introspect', { token: betaToken }, basic(betaClient.client_id, betaClient.client_secret));
      expect(atBeta.json).toMatchObject({ active: true, tenant: 'beta', iss: h.issuer('beta') });
    });

    test("tenant A's client cannot revoke tenant B's token", async () => {
      const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
      await client.tokenRevocation(config, betaToken); // 200 per RFC 7009: not a token of alpha
      const atBeta = await h.form('beta', 'introspect', { token: betaToken }, basic(betaClient.client_id, betaClient.client_secret));
      expect(atBeta.json.active).toBe(true);
    });

    test("tenant B's token does not verify against tenant A's JWKS", async () => {
      await expect(verify(betaToken, 'alpha')).rejects.toThrow();
      await expect(verify(betaToken, 'beta')).resolves.toBeDefined();
    });

    test('each tenant has its own signing keys', async () => {
      const kidsA = (await h.request('GET', '/t/alpha/jwks')).json.keys.map((k: { kid: string }) => k.kid);
      const kidsB = (await h.request('GET', '/t/beta/jwks')).json.keys.map((k: { kid: string }) => k.kid);
      expect(kidsA.filter((kid: string) => kidsB.includes(kid))).toEqual([]);
    });

    test('the same client_id in two tenants names two different clients', async () => {
      const inAlpha = await h.createClient('alpha', { client_id: 'shared-name' });
      const inBeta = await h.createClient('beta', { client_id: 'shared-name' });
      expect(inAlpha.client_secret).not.toBe(inBeta.client_secret);
      const cross = await h.form('beta', 'token', { grant_type: 'client_credentials' }, basic('shared-name', inAlpha.client_secret));
      expect(cross.status).toBe(401);
      const own = await h.form('beta', 'token', { grant_type: 'client_credentials' }, basic('shared-name', inBeta.client_secret));
      expect(decodeJwt(own.json.access_token).payload).toMatchObject({ tenant: 'beta', iss: h.issuer('beta'), client_id: 'shared-name' });
    });
  });

  test('an unknown tenant gets 404 with a JSON error on every tenant route', async () => {
    for (const [method, path] of [
      ['GET', '/t/nowhere/.well-known/openid-configuration'],
      ['GET', '/.well-known/oauth-authorization-server/t/nowhere'],
      ['GET', '/t/nowhere/jwks'],
      ['GET', '/t/NOT_A-valid..id/jwks'],
    ] as const) {
      const response = await h.request(method, path);
      expect({ path, status: response.status, body: response.json }).toEqual({
        path,
        status: 404,
        body: { error: 'tenant_not_found', error_description: expect.stringContaining('does not exist') },
      });
    }
    for (const endpoint of ['token', 'introspect', 'revoke']) {
      const response = await h.form('nowhere', endpoint, { grant_type: 'client_credentials', token: 'x' }, basic(alpha.client_id, alpha.client_secret));
      expect(response.status).toBe(404);
      expect(response.json.error).toBe('tenant_not_found');
    }
  });

  test('secrets and tokens never reach the logs', async () => {
    const config = await discover('alpha', alpha.client_id, client.ClientSecretBasic(alpha.client_secret));
    const { access_token } = await client.clientCredentialsGrant(config);
    await client.tokenIntrospection(config, access_token);
    await client.tokenRevocation(config, access_token);
    await h.form('alpha', 'token', { grant_type: 'client_credentials', client_id: alpha.client_id, client_secret: 'wrong-secret-value' });
    const logs = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(0);
    for (const secret of [alpha.client_secret, access_token, access_token.split('.')[2]!, 'wrong-secret-value', h.adminToken]) {
      expect(logs).not.toContain(secret);
    }
    // The log lines are JSON and say what happened.
    const parsed = h.logs.map((line) => JSON.parse(line));
    expect(parsed.some((l) => l.msg === 'oauth request rejected' && l.reason === 'invalid_client')).toBe(true);
    const { events } = await h.store.journal.trail.query('alpha', { limit: 500 });
    expect(events.some((e) => e.action === 'client.create' && e.outcome === 'success')).toBe(true);
  });
});
