import * as jose from 'jose';
import { DEFAULT_SIGN_IN_POLICY } from '../../../runtime/src/sign-in-protection/sign-in-policy';
import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';
import { startSignInRuntime } from '../helpers/sign-in-runtime';
import type { SignInRuntime } from '../helpers/sign-in-runtime';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * Client ids and tenant ids with NUL or other control characters are refused wherever ids enter.
 * The client cache once keyed records by `<tenant>\0<client>` and split the key again on NUL, so
 * `client\0junk` loaded, and authenticated as, `client`.
 */
const SUFFIXES = ['\0junk', '\0', '\n', '\r\nx', '\t', '\x7f', '\x1b[0m'];

describe.each(STORE_KINDS)('control characters in client and tenant ids, %s store', (kind) => {
  let h: Harness;
  let basicClient: { client_id: string; client_secret: string };
  let postClient: { client_id: string; client_secret: string };
  let token: string;

  beforeAll(async () => {
    h = await startHarness(kind, { signInPolicyFor: () => ({ ...DEFAULT_SIGN_IN_POLICY, maxConsecutiveFailures: 10_000 }) });
    await h.createTenant('acme');
    basicClient = await h.createClient('acme');
    postClient = await h.createClient('acme', { token_endpoint_auth_method: 'client_secret_post' });
    const issued = await h.form('acme', 'token', { grant_type: 'client_credentials' }, basic(basicClient.client_id, basicClient.client_secret));
    expect(issued.status).toBe(200);
    token = issued.json.access_token;
  });
  afterAll(() => h.close());

  test.each(SUFFIXES)('token endpoint, client_secret_basic: client id + %j is invalid_client', async (suffix) => {
    const response = await h.form('acme', 'token', { grant_type: 'client_credentials' }, basic(basicClient.client_id + suffix, basicClient.client_secret));
    expect({ status: response.status, error: response.json?.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(response.json.access_token).toBeUndefined();
  });

  test.each(SUFFIXES)('token endpoint, client_secret_post: client id + %j is invalid_client', async (suffix) => {
    const response = await h.form('acme', 'token', { grant_type: 'client_credentials', client_id: postClient.client_id + suffix, client_secret: postClient.client_secret });
    expect({ status: response.status, error: response.json?.error }).toEqual({ status: 401, error: 'invalid_client' });
  });

  test('token endpoint, private_key_jwt: an assertion whose iss = sub carry a NUL is invalid_client', async () => {
    const pair = await jose.generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await jose.exportJWK(pair.publicKey)), alg: 'ES256' };
    const { client_id: clientId } = await h.createClient('acme', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const sign = (id: string) =>
      new jose.SignJWT({ jti: crypto.randomUUID() })
        .setProtectedHeader({ alg: 'ES256' })
        .setIssuer(id)
        .setSubject(id)
        .setAudience(h.issuer('acme'))
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(pair.privateKey);
    const forged = await h.form('acme', 'token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await sign(`${clientId}\0junk`) });
    expect({ status: forged.status, error: forged.json?.error }).toEqual({ status: 401, error: 'invalid_client' });
    // The same key and the clean id still work: the refusal is the id, not the key.
    const clean = await h.form('acme', 'token', { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER, client_assertion: await sign(clientId) });
    expect(clean.status).toBe(200);
  });

  test.each(['introspect', 'revoke'])('%s: a client id with a NUL is invalid_client, and the token stays active', async (endpoint) => {
    const response = await h.form('acme', endpoint, { token }, basic(`${basicClient.client_id}\0junk`, basicClient.client_secret));
    expect({ status: response.status, error: response.json?.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(response.json.active).toBeUndefined();
    const check = await h.form('acme', 'introspect', { token }, basic(basicClient.client_id, basicClient.client_secret));
    expect(check.json.active).toBe(true);
  });

  test.each(['%00', '%0A', '%1F', '%7F', '%00junk'])('a tenant id with %s is refused on the OAuth endpoints and the admin API', async (encoded) => {
    const tokenResponse = await h.request('POST', `/t/acme${encoded}/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(basicClient.client_id, basicClient.client_secret) },
      body: 'grant_type=client_credentials',
    });
    expect(tokenResponse.status).toBe(404);
    expect(tokenResponse.json.access_token).toBeUndefined();
    expect((await h.request('GET', `/t/acme${encoded}/jwks`)).status).toBe(404);
    expect((await h.admin('GET', `/admin/tenants/acme${encoded}/keys`)).status).toBe(404);
  });
});

describe.each(STORE_KINDS)('control characters in the client id at /authorize, %s store', (kind) => {
  let rt: SignInRuntime;
  beforeAll(async () => {
    rt = await startSignInRuntime(kind);
  });
  afterAll(() => rt.close());

  test.each(['%00junk', '%00', '%0A', '%7F'])('client_id + %s gets the unknown-client error page, never a redirect', async (suffix) => {
    const url = `${rt.issuer}/authorize?response_type=code&client_id=${encodeURIComponent(rt.clientId)}${suffix}&redirect_uri=${encodeURIComponent(rt.redirectUri)}`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  test('the clean client id still reaches sign-in (the test above is not vacuous)', async () => {
    const url = `${rt.issuer}/authorize?response_type=code&client_id=${encodeURIComponent(rt.clientId)}&redirect_uri=${encodeURIComponent(rt.redirectUri)}&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&scope=openid`;
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
  });
});
