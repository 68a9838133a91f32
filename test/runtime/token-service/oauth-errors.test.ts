import * as jose from 'jose';
import { DEFAULT_SIGN_IN_POLICY } from '../../../runtime/src/sign-in-protection/sign-in-policy';
import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness, HttpResult } from '../helpers/harness';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** RFC 6749 §5.2: error_description is limited to these characters. */
const DESCRIPTION_CHARSET = /^[\x20-\x21\x23-\x5B\x5D-\x7E]*$/;

/** Every error answer is an RFC 6749 §5.2 JSON body, not cacheable. */
function expectOAuthError(response: HttpResult, status: number, error: string): void {
  expect({ status: response.status, error: response.json?.error }).toEqual({ status, error });
  expect(Object.keys(response.json).sort()).toEqual(['error', 'error_description']);
  expect(response.json.error_description).toMatch(DESCRIPTION_CHARSET);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  if (error === 'invalid_client') {
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="http:\/\/127\.0\.0\.1:\d+\/t\/acme"/);
  } else {
    expect(response.headers.get('www-authenticate')).toBeNull();
  }
}

describe.each(STORE_KINDS)('OAuth error paths with the %s store', (kind) => {
  let h: Harness;
  let basicClient: { client_id: string; client_secret: string };
  let postClient: { client_id: string; client_secret: string };
  const grant = { grant_type: 'client_credentials' };
  const auth = () => basic(basicClient.client_id, basicClient.client_secret);

  beforeAll(async () => {
    // This suite checks error shapes, with dozens of failed client authentications from one IP;
    // blocking (tested in test/runtime/authorize/ and sign-in-protection/) would turn them into 429s.
    h = await startHarness(kind, { signInPolicyFor: () => ({ ...DEFAULT_SIGN_IN_POLICY, maxConsecutiveFailures: 10_000 }) });
    await h.createTenant('acme');
    basicClient = await h.createClient('acme');
    postClient = await h.createClient('acme', { token_endpoint_auth_method: 'client_secret_post' });
  });
  afterAll(() => h.close());

  describe('token endpoint: client authentication', () => {
    test('no client authentication is invalid_client (401)', async () => {
      expectOAuthError(await h.form('acme', 'token', grant), 401, 'invalid_client');
    });

    test('a client_id alone (public client) is invalid_client', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, client_id: basicClient.client_id }), 401, 'invalid_client');
    });

    test('a wrong secret over Basic is invalid_client', async () => {
      expectOAuthError(await h.form('acme', 'token', grant, basic(basicClient.client_id, 'x'.repeat(43))), 401, 'invalid_client');
    });

    test('an unknown client is invalid_client', async () => {
      expectOAuthError(await h.form('acme', 'token', grant, basic('nobody', basicClient.client_secret)), 401, 'invalid_client');
    });

    test('a wrong secret in the body is invalid_client, still 401 with a challenge', async () => {
      const response = await h.form('acme', 'token', { ...grant, client_id: postClient.client_id, client_secret: 'wrong' });
      expectOAuthError(response, 401, 'invalid_client');
    });

    test('client_secret_post without client_id is invalid_client', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, client_secret: postClient.client_secret }), 401, 'invalid_client');
    });

    test('a client must use the method it registered', async () => {
      const viaPost = await h.form('acme', 'token', { ...grant, client_id: basicClient.client_id, client_secret: basicClient.client_secret });
      expectOAuthError(viaPost, 401, 'invalid_client');
      expect(viaPost.json.error_description).toContain('client_secret_basic');
      const viaBasic = await h.form('acme', 'token', grant, basic(postClient.client_id, postClient.client_secret));
      expectOAuthError(viaBasic, 401, 'invalid_client');
    });

    test('two authentication methods in one request are invalid_request (RFC 6749 section 2.3)', async () => {
      const response = await h.form('acme', 'token', { ...grant, client_id: basicClient.client_id, client_secret: basicClient.client_secret }, auth());
      expectOAuthError(response, 400, 'invalid_request');
    });

    test.each([
      ['not base64', 'Basic %%%'],
      ['no colon', `Basic ${Buffer.from('just-an-id').toString('base64')}`],
      ['bad percent-encoding', `Basic ${Buffer.from('%zz:secret').toString('base64')}`],
      ['empty', 'Basic '],
    ])('malformed Basic credentials (%s) are invalid_client', async (_name, authorization) => {
      expectOAuthError(await h.form('acme', 'token', grant, { authorization }), 401, 'invalid_client');
    });

    test('a Bearer Authorization header is not client authentication', async () => {
      expectOAuthError(await h.form('acme', 'token', grant, { authorization: 'Bearer abc' }), 401, 'invalid_client');
    });

    test('client_id in the body that differs from the Basic client is invalid_request', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, client_id: postClient.client_id }, auth()), 400, 'invalid_request');
    });

    test('form-encoded Basic credentials are decoded (RFC 6749 section 2.3.1)', async () => {
      const special = await h.createClient('acme', { client_id: 'svc.orders~v1' });
      const response = await h.form('acme', 'token', grant, basic(special.client_id, special.client_secret));
      expect(response.status).toBe(200);
    });
  });

  describe('token endpoint: grant and parameters', () => {
    test('missing grant_type is invalid_request', async () => {
      const response = await h.form('acme', 'token', { scope: 'orders.read' }, auth());
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.json.error_description).toContain('grant_type');
    });

    test.each(['password', 'implicit', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'CLIENT_CREDENTIALS'])(
      'grant_type=%s is unsupported_grant_type (400)',
      async (grantType) => {
        expectOAuthError(await h.form('acme', 'token', { grant_type: grantType }, auth()), 400, 'unsupported_grant_type');
      },
    );

    test.each(['authorization_code', 'refresh_token'])('grant_type=%s by a client not registered for it is unauthorized_client (400)', async (grantType) => {
      expectOAuthError(await h.form('acme', 'token', { grant_type: grantType }, auth()), 400, 'unauthorized_client');
    });

    test('a repeated parameter is invalid_request (RFC 6749 section 3.2)', async () => {
      const response = await h.request('POST', '/t/acme/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth() },
        body: 'grant_type=client_credentials&grant_type=client_credentials',
      });
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.json.error_description).toContain('more than once');
    });

    test('a scope the client did not register is invalid_scope', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, scope: 'orders.read admin' }, auth()), 400, 'invalid_scope');
    });

    test('a scope with characters outside RFC 6749 section 3.3 is invalid_scope', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, scope: 'orders.read\\x' }, auth()), 400, 'invalid_scope');
      expectOAuthError(await h.form('acme', 'token', { ...grant, scope: 'orders.read\torders.write' }, auth()), 400, 'invalid_scope');
    });

    test('a resource the client may not use is invalid_target (RFC 8707)', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, resource: 'https://elsewhere.example.com' }, auth()), 400, 'invalid_target');
      // One good and one bad resource: the whole request fails.
      const mixed = await h.form('acme', 'token', { ...grant, resource: ['https://orders.example.com', 'https://elsewhere.example.com'] }, auth());
      expectOAuthError(mixed, 400, 'invalid_target');
    });

    test.each(['orders', '/relative/path', 'https://orders.example.com#frag'])('resource %s (not absolute or with a fragment) is invalid_target', async (resource) => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, resource }, auth()), 400, 'invalid_target');
    });
  });

  describe('token endpoint: malformed bodies and limits', () => {
    test('a JSON body is invalid_request', async () => {
      const response = await h.request('POST', '/t/acme/token', {
        headers: { 'content-type': 'application/json', ...auth() },
        body: JSON.stringify(grant),
      });
      expectOAuthError(response, 400, 'invalid_request');
    });

    test('a text/plain body is invalid_request', async () => {
      const response = await h.request('POST', '/t/acme/token', { headers: { 'content-type': 'text/plain', ...auth() }, body: 'grant_type=client_credentials' });
      expectOAuthError(response, 400, 'invalid_request');
    });

    test('no body at all is invalid_request naming the missing parameter', async () => {
      const response = await h.request('POST', '/t/acme/token', { headers: auth() });
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.json.error_description).toBe("missing required parameter 'grant_type'");
    });

    test('broken percent-encoding is invalid_request', async () => {
      const response = await h.request('POST', '/t/acme/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...auth() },
        body: 'grant_type=client%ZZcredentials',
      });
      expectOAuthError(response, 400, 'invalid_request');
    });

    test('a body over the limit is rejected with 413 and an OAuth error body', async () => {
      const response = await h.form('acme', 'token', { ...grant, scope: 'a'.repeat(20_000) }, auth());
      expectOAuthError(response, 413, 'invalid_request');
    });

    test('a wrong method or path is a JSON 404', async () => {
      const response = await h.request('GET', '/t/acme/token');
      expect(response.status).toBe(404);
      expect(response.json.error).toBe('not_found');
    });
  });

  describe('private_key_jwt failures', () => {
    let key: { privateKey: jose.CryptoKey; publicJwk: jose.JWK };
    let clientId: string;
    const tokenEndpoint = () => `${h.issuer('acme')}/token`;

    beforeAll(async () => {
      const pair = await jose.generateKeyPair('ES256', { extractable: true });
      key = { privateKey: pair.privateKey, publicJwk: { ...(await jose.exportJWK(pair.publicKey)), alg: 'ES256' } };
      clientId = (await h.createClient('acme', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } })).client_id;
    });

    const assertion = (claims: Partial<jose.JWTPayload> = {}, signingKey: jose.CryptoKey | Uint8Array = key.privateKey, alg = 'ES256') => {
      const now = Math.floor(Date.now() / 1000);
      return new jose.SignJWT({ jti: crypto.randomUUID(), ...claims } as jose.JWTPayload)
        .setProtectedHeader({ alg })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(claims.aud ?? h.issuer('acme'))
        .setIssuedAt(claims.iat ?? now)
        .setExpirationTime(claims.exp ?? now + 60)
        .sign(signingKey);
    };
    const withAssertion = async (value: string, type = JWT_BEARER) =>
      h.form('acme', 'token', { ...grant, client_assertion_type: type, client_assertion: value });

    test('a valid assertion works with the issuer as audience', async () => {
      expect((await withAssertion(await assertion())).status).toBe(200);
    });

    // draft-ietf-oauth-rfc7523bis: aud is the issuer identifier and nothing else (audience injection).
    test.each([
      ['the token endpoint URL', () => tokenEndpoint()],
      ['the introspection endpoint URL', () => `${h.issuer('acme')}/introspect`],
      ['an array of the issuer and the token endpoint', () => [h.issuer('acme'), tokenEndpoint()]],
      ['an array of the issuer and another server', () => [h.issuer('acme'), 'https://other.example.com']],
      ['the issuer with a trailing slash', () => `${h.issuer('acme')}/`],
      ['an empty array', () => [] as string[]],
      ['a single-valued array (the draft requires a JSON string)', () => [h.issuer('acme')]],
    ])('an assertion whose aud is %s is invalid_client', async (_name, aud) => {
      const response = await withAssertion(await assertion({ aud: aud() }));
      expectOAuthError(response, 401, 'invalid_client');
    });

    test('an assertion issued more than 5 minutes ago is invalid_client, even with exp still ahead', async () => {
      const now = Math.floor(Date.now() / 1000);
      expectOAuthError(await withAssertion(await assertion({ iat: now - 400, exp: now + 60 })), 401, 'invalid_client');
      // Inside the bound it works: the bound, not the signature, refused the first.
      expect((await withAssertion(await assertion({ iat: now - 240, exp: now + 60 }))).status).toBe(200);
    });

    test('an assertion issued in the future beyond the clock skew is invalid_client', async () => {
      const now = Math.floor(Date.now() / 1000);
      expectOAuthError(await withAssertion(await assertion({ iat: now + 120, exp: now + 300 })), 401, 'invalid_client');
      expect((await withAssertion(await assertion({ iat: now + 10, exp: now + 300 }))).status).toBe(200);
    });

    test('an assertion without iat is invalid_client', async () => {
      const now = Math.floor(Date.now() / 1000);
      const noIat = await new jose.SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(h.issuer('acme'))
        .setExpirationTime(now + 60)
        .sign(key.privateKey);
      expectOAuthError(await withAssertion(noIat), 401, 'invalid_client');
    });

    test('a replayed assertion (same jti) is invalid_client (RFC 7523 section 3)', async () => {
      const once = await assertion();
      expect((await withAssertion(once)).status).toBe(200);
      expectOAuthError(await withAssertion(once), 401, 'invalid_client');
    });

    test('an assertion signed by an unregistered key is invalid_client', async () => {
      const { privateKey } = await jose.generateKeyPair('ES256');
      expectOAuthError(await withAssertion(await assertion({}, privateKey)), 401, 'invalid_client');
    });

    test('an assertion for another audience is invalid_client', async () => {
      expectOAuthError(await withAssertion(await assertion({ aud: 'https://other.example.com' })), 401, 'invalid_client');
    });

    test('an expired assertion is invalid_client', async () => {
      expectOAuthError(await withAssertion(await assertion({ exp: Math.floor(Date.now() / 1000) - 120 })), 401, 'invalid_client');
    });

    test('an assertion valid for too long is invalid_client', async () => {
      expectOAuthError(await withAssertion(await assertion({ exp: Math.floor(Date.now() / 1000) + 3600 })), 401, 'invalid_client');
    });

    test('an assertion without jti is invalid_client', async () => {
      const now = Math.floor(Date.now() / 1000);
      const noJti = await new jose.SignJWT({})
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(h.issuer('acme'))
        .setExpirationTime(now + 60)
        .sign(key.privateKey);
      expectOAuthError(await withAssertion(noJti), 401, 'invalid_client');
    });

    test('unsigned and HMAC assertions are invalid_client (RFC 8725 section 3.1)', async () => {
      const now = Math.floor(Date.now() / 1000);
      const unsigned = new jose.UnsecuredJWT({ jti: 'u1' }).setIssuer(clientId).setSubject(clientId).setAudience(h.issuer('acme')).setExpirationTime(now + 60).encode();
      expectOAuthError(await withAssertion(unsigned), 401, 'invalid_client');
      expectOAuthError(await withAssertion(await assertion({}, new TextEncoder().encode('x'.repeat(32)), 'HS256')), 401, 'invalid_client');
    });

    test('an assertion that is not a JWT is invalid_client', async () => {
      expectOAuthError(await withAssertion('not-a-jwt'), 401, 'invalid_client');
    });

    test('an unsupported client_assertion_type is invalid_client', async () => {
      expectOAuthError(await withAssertion(await assertion(), 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer'), 401, 'invalid_client');
    });

    test('client_assertion without client_assertion_type is invalid_request', async () => {
      expectOAuthError(await h.form('acme', 'token', { ...grant, client_assertion: await assertion() }), 400, 'invalid_request');
    });

    test('a private_key_jwt client cannot use a secret, and a secret client cannot use an assertion', async () => {
      expectOAuthError(await h.form('acme', 'token', grant, basic(clientId, 'anything-at-all')), 401, 'invalid_client');
      const now = Math.floor(Date.now() / 1000);
      const forSecretClient = await new jose.SignJWT({ jti: 'x1' })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(basicClient.client_id)
        .setSubject(basicClient.client_id)
        .setAudience(h.issuer('acme'))
        .setExpirationTime(now + 60)
        .sign(key.privateKey);
      expectOAuthError(await withAssertion(forSecretClient), 401, 'invalid_client');
    });

    test('client_id that contradicts the assertion is invalid_request', async () => {
      const response = await h.form('acme', 'token', { ...grant, client_id: basicClient.client_id, client_assertion_type: JWT_BEARER, client_assertion: await assertion() });
      expectOAuthError(response, 400, 'invalid_request');
    });
  });

  describe('introspection and revocation', () => {
    let token: string;
    beforeAll(async () => {
      token = (await h.form('acme', 'token', grant, auth())).json.access_token;
    });

    test.each(['introspect', 'revoke'])('%s without client authentication is invalid_client', async (endpoint) => {
      expectOAuthError(await h.form('acme', endpoint, { token }), 401, 'invalid_client');
    });

    test.each(['introspect', 'revoke'])('%s with a wrong secret is invalid_client', async (endpoint) => {
      expectOAuthError(await h.form('acme', endpoint, { token }, basic(basicClient.client_id, 'nope')), 401, 'invalid_client');
    });

    test.each(['introspect', 'revoke'])('%s without a token is invalid_request', async (endpoint) => {
      const response = await h.form('acme', endpoint, {}, auth());
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.json.error_description).toContain('token');
    });

    test.each(['introspect', 'revoke'])('%s with a JSON body is invalid_request', async (endpoint) => {
      const response = await h.request('POST', `/t/acme/${endpoint}`, { headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify({ token }) });
      expectOAuthError(response, 400, 'invalid_request');
    });

    test("revoking another client's token leaves it active and answers as for an invalid token (RFC 7009 section 2.2)", async () => {
      const other = { client_id: postClient.client_id, client_secret: postClient.client_secret };
      const foreign = await h.form('acme', 'revoke', { token, ...other });
      const garbage = await h.form('acme', 'revoke', { token: 'not-a-token', ...other });
      // Nothing in the answer tells the caller that the token it found is valid.
      const visible = (r: HttpResult) => ({ status: r.status, text: r.text, cacheControl: r.headers.get('cache-control'), type: r.headers.get('content-type') });
      expect(visible(foreign)).toEqual(visible(garbage));
      expect(visible(foreign)).toMatchObject({ status: 200, text: '', cacheControl: 'no-store' });
      expect((await h.form('acme', 'introspect', { token }, auth())).json.active).toBe(true);
    });

    test('introspection responses are not cacheable', async () => {
      const response = await h.form('acme', 'introspect', { token }, auth());
      expect(response.headers.get('cache-control')).toBe('no-store');
    });
  });

  test('failures are counted by reason in /metrics', async () => {
    await h.form('acme', 'token', { grant_type: 'password' }, auth());
    const metrics = (await h.request('GET', '/metrics')).text;
    expect(metrics).toMatch(/brandstack_oauth_failures_total\{endpoint="token",reason="unsupported_grant_type"\} [1-9]/);
    expect(metrics).toMatch(/brandstack_oauth_failures_total\{endpoint="token",reason="invalid_client"\} [1-9]/);
    expect(metrics).toMatch(/brandstack_oauth_failures_total\{endpoint="introspect",reason="invalid_request"\} [1-9]/);
  });
});
