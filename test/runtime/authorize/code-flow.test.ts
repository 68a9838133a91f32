import * as client from 'openid-client';
import { decodeJwt, STORE_KINDS } from '../helpers/harness';
import { CookieJar, startSignInRuntime } from '../helpers/sign-in-runtime';
import type { SignInRuntime } from '../helpers/sign-in-runtime';

/**
 * The authorization code flow with PKCE end to end, over plain HTTP: openid-client (v6) is the
 * relying party, a cookie jar plays the browser on the hosted sign-in page. Both stores.
 */
describe.each(STORE_KINDS)('authorization code flow (%s store)', (kind) => {
  let rt: SignInRuntime;
  let config: client.Configuration;
  beforeAll(async () => {
    rt = await startSignInRuntime(kind);
    config = await client.discovery(new URL(rt.issuer), rt.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  });
  afterAll(() => rt.close());

  /** Starts a flow as openid-client would, returning what the RP keeps. */
  async function authorizationUrl(extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: rt.redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      ...extra,
    });
    return { url, verifier, state, nonce };
  }

  /** The page's CSRF token, read like a browser would see it. */
  function csrfOf(html: string): string {
    const match = /name="csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error(`no csrf field in the page: ${html.slice(0, 300)}`);
    return match[1]!;
  }

  /** authorize → sign-in page → POST; returns the final response of the POST and the jar. */
  async function signIn(url: URL, credentials = { username: rt.username, password: rt.password }, jar = new CookieJar()) {
    const authorize = await jar.get(url.href);
    expect(authorize.status).toBe(303);
    const page = await jar.get(authorize.headers.get('location')!);
    expect(page.status).toBe(200);
    const csrf = csrfOf(await page.text());
    const post = await jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf, ...credentials }).toString());
    return { post, jar, csrf };
  }

  async function codeFlow(extra: Record<string, string> = {}) {
    const flow = await authorizationUrl(extra);
    const { post, jar } = await signIn(flow.url);
    expect(post.status).toBe(303);
    const callback = new URL(post.headers.get('location')!);
    return { ...flow, callback, jar };
  }

  test('discovery advertises exactly the code flow with S256 PKCE', () => {
    const metadata = config.serverMetadata();
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
    expect(metadata.grant_types_supported).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
    expect(metadata.grant_types_supported).not.toContain('password');
    expect(metadata.grant_types_supported).not.toContain('implicit');
    expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(metadata.subject_types_supported).toEqual(['public']);
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    expect(metadata.scopes_supported).toContain('openid');
    expect(metadata.authorization_endpoint).toBe(`${rt.issuer}/authorize`);
    expect(metadata.userinfo_endpoint).toBe(`${rt.issuer}/userinfo`);
    expect(metadata.end_session_endpoint).toBe(`${rt.issuer}/logout`);
  });

  test('sign-in, code redemption, ID token, user access token, userinfo', async () => {
    const { callback, verifier, state, nonce } = await codeFlow();
    expect(callback.origin + callback.pathname).toBe(rt.redirectUri);
    expect(callback.searchParams.get('iss')).toBe(rt.issuer);
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });

    const id = tokens.claims()!;
    expect(id.sub).toBe(rt.userId);
    expect(id.aud).toBe(rt.clientId);
    expect(id.azp).toBe(rt.clientId);
    expect(id.nonce).toBe(nonce);
    expect(typeof id.auth_time).toBe('number');
    expect(decodeJwt(tokens.id_token!).header).toMatchObject({ alg: 'RS256', typ: 'JWT' });

    const access = decodeJwt(tokens.access_token);
    expect(access.header.typ).toBe('at+jwt');
    expect(access.payload).toMatchObject({ sub: rt.userId, client_id: rt.clientId, iss: rt.issuer, authorities: ['demo.reader'], scope: 'openid profile email' });
    expect(typeof tokens.refresh_token).toBe('string');

    const info = await client.fetchUserInfo(config, tokens.access_token, rt.userId);
    expect(info).toMatchObject({ sub: rt.userId, preferred_username: rt.username, email: `${rt.username}@demo.brandstack.example` });
  });

  test('the sign-in cookie is HttpOnly, SameSite=Lax, scoped to the tenant, not Secure on loopback', async () => {
    const { url } = await authorizationUrl();
    const response = await fetch(url, { redirect: 'manual' });
    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^bs_sign_in=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain(`Path=/t/${rt.tenant}`);
    expect(cookie).not.toContain('Secure');
  });

  test('the hosted page: headers, labelled inputs, title with the tenant', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await jar.get((await jar.get(url.href)).headers.get('location')!);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toMatch(/<title>[^<]*demo[^<]*<\/title>/);
    expect(html).toContain('<label for="username">');
    expect(html).toContain('<label for="password">');
    expect(html).toMatch(/<input id="username" name="username"[^>]*autocomplete="username"/);
    expect(html).toMatch(/<input id="password" name="password" type="password" autocomplete="current-password"/);
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/);
  });

  test('refresh rotates the token; reusing a rotated-out one revokes the whole grant', async () => {
    const { callback, verifier, state, nonce } = await codeFlow();
    const first = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toBeDefined();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(decodeJwt(second.access_token).payload.sub).toBe(rt.userId);

    // The rotated-out token again: refused, and the grant with everything in it is revoked.
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(client.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    const userinfo = await fetch(`${rt.issuer}/userinfo`, { headers: { authorization: `Bearer ${second.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  test('refresh may narrow the scope, never widen it; a refused widening leaves the token usable', async () => {
    const { callback, verifier, state, nonce } = await codeFlow();
    const first = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const wider = await rt.harness.form(rt.tenant, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: rt.clientId, scope: 'openid demo.read' });
    expect(wider.status).toBe(400);
    expect(wider.json.error).toBe('invalid_scope');
    const narrower = await rt.harness.form(rt.tenant, 'token', { grant_type: 'refresh_token', refresh_token: first.refresh_token!, client_id: rt.clientId, scope: 'openid' });
    expect(narrower.status).toBe(200);
    expect(decodeJwt(narrower.json.access_token).payload.scope).toBe('openid');
  });

  test('a replayed code is refused and revokes the tokens issued from it', async () => {
    const { callback, verifier } = await codeFlow();
    const redeem = () =>
      rt.harness.form(rt.tenant, 'token', { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: rt.redirectUri, code_verifier: verifier, client_id: rt.clientId });
    const first = await redeem();
    expect(first.status).toBe(200);
    const replay = await redeem();
    expect(replay.status).toBe(400);
    expect(replay.json.error).toBe('invalid_grant');
    const userinfo = await fetch(`${rt.issuer}/userinfo`, { headers: { authorization: `Bearer ${first.json.access_token}` } });
    expect(userinfo.status).toBe(401);
    const refresh = await rt.harness.form(rt.tenant, 'token', { grant_type: 'refresh_token', refresh_token: first.json.refresh_token, client_id: rt.clientId });
    expect(refresh.json.error).toBe('invalid_grant');
  });

  test('an expired code (older than 60 s) is refused', async () => {
    const { callback, verifier } = await codeFlow();
    rt.harness.clock.advance(61);
    const response = await rt.harness.form(rt.tenant, 'token', { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: rt.redirectUri, code_verifier: verifier, client_id: rt.clientId });
    expect(response.status).toBe(400);
    expect(response.json.error).toBe('invalid_grant');
  });

  test('a wrong code_verifier or redirect_uri at the token endpoint is invalid_grant', async () => {
    for (const wrong of [{ code_verifier: client.randomPKCECodeVerifier() }, { redirect_uri: rt.demoRedirectUri }]) {
      const { callback, verifier } = await codeFlow();
      const response = await rt.harness.form(rt.tenant, 'token', {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: rt.redirectUri,
        code_verifier: verifier,
        client_id: rt.clientId,
        ...wrong,
      });
      expect(response.json.error).toBe('invalid_grant');
    }
  });

  test('missing PKCE and plain PKCE are refused with a redirect carrying the error', async () => {
    const base = { response_type: 'code', client_id: rt.clientId, redirect_uri: rt.redirectUri, scope: 'openid', state: 's1' };
    for (const params of [base, { ...base, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, { ...base, code_challenge: 'x'.repeat(43) }]) {
      const response = await fetch(`${rt.issuer}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(rt.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe('s1');
      expect(location.searchParams.get('code')).toBeNull();
    }
  });

  test('a redirect_uri that is not registered exactly gets an error page, never a redirect', async () => {
    for (const redirect of [`${rt.redirectUri}/`, `${rt.redirectUri}?x=1`, 'https://attacker.example/cb']) {
      const { url } = await authorizationUrl({ redirect_uri: redirect });
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(await response.text()).toContain('redirect_uri is not registered');
    }
  });

  test('an unknown client gets an error page', async () => {
    const response = await fetch(`${rt.issuer}/authorize?response_type=code&client_id=nobody&redirect_uri=${encodeURIComponent(rt.redirectUri)}`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  test('a wrong CSRF token is refused and changes nothing; the right one then works', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await jar.get((await jar.get(url.href)).headers.get('location')!);
    const csrf = csrfOf(await page.text());
    const forged = await jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf: 'forged', username: rt.username, password: rt.password }).toString());
    expect(forged.status).toBe(303);
    expect(forged.headers.get('location')).toBe(`${rt.issuer}/sign-in?error=csrf`);
    expect(jar.cookies.has('bs_session')).toBe(false);
    const retry = await jar.get(forged.headers.get('location')!);
    expect(await retry.text()).toContain('did not come from this page');

    const genuine = await jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf, username: rt.username, password: rt.password }).toString());
    expect(genuine.status).toBe(303);
    expect(new URL(genuine.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  test('a malformed or incomplete form gets a 303 back to the page with a clear message', async () => {
    const { url } = await authorizationUrl();
    const jar = new CookieJar();
    const page = await jar.get((await jar.get(url.href)).headers.get('location')!);
    const csrf = csrfOf(await page.text());
    const missing = await jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf, username: rt.username }).toString());
    expect(missing.status).toBe(303);
    expect(missing.headers.get('location')).toBe(`${rt.issuer}/sign-in?error=missing_fields`);
    expect(await (await jar.get(missing.headers.get('location')!)).text()).toContain('Enter both your username and your password.');
    const broken = await jar.post(`${rt.issuer}/sign-in`, `csrf=${csrf}&username=%zz`);
    expect(broken.headers.get('location')).toBe(`${rt.issuer}/sign-in?error=malformed`);
    const json = await jar.post(`${rt.issuer}/sign-in`, JSON.stringify({ csrf }), 'application/json');
    expect(json.status).toBe(303);
    expect(json.headers.get('location')).toBe(`${rt.issuer}/sign-in?error=malformed`);
  });

  test('a POST without a sign-in cookie (expired, or another browser) is a 303 to a page that explains', async () => {
    const post = await fetch(`${rt.issuer}/sign-in`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x&username=a&password=b' });
    expect(post.status).toBe(303);
    const page = await fetch(post.headers.get('location')!);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('This sign-in page has expired');
  });

  test('a wrong password returns to the page with a message and issues no code', async () => {
    const { url } = await authorizationUrl();
    const { post, jar } = await signIn(url, { username: rt.username, password: 'not the right password at all' });
    expect(post.status).toBe(303);
    expect(post.headers.get('location')).toBe(`${rt.issuer}/sign-in?error=invalid_credentials`);
    expect(jar.cookies.has('bs_session')).toBe(false);
    expect(await (await jar.get(post.headers.get('location')!)).text()).toContain('The username or password is incorrect.');
  });

  test('a session skips the page; prompt=login and max_age=0 ask again; logout ends it', async () => {
    const { jar } = await codeFlow();
    const again = await authorizationUrl();
    const silent = await jar.get(again.url.href);
    expect(silent.status).toBe(302);
    expect(new URL(silent.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    for (const extra of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
      rt.harness.clock.advance(1);
      const forced = await jar.get((await authorizationUrl(extra)).url.href);
      expect(forced.status).toBe(303);
      expect(forced.headers.get('location')).toBe(`${rt.issuer}/sign-in`);
    }

    const unregistered = await jar.get(`${rt.issuer}/logout?client_id=${rt.clientId}&post_logout_redirect_uri=${encodeURIComponent('https://attacker.example/')}`);
    expect(unregistered.status).toBe(400);
    expect(unregistered.headers.get('location')).toBeNull();

    const logout = await jar.get(`${rt.issuer}/logout?client_id=${rt.clientId}&post_logout_redirect_uri=${encodeURIComponent(rt.postLogoutRedirectUri)}&state=bye`);
    expect(logout.status).toBe(303);
    expect(logout.headers.get('location')).toBe(`${rt.postLogoutRedirectUri}?state=bye`);
    expect(jar.cookies.has('bs_session')).toBe(false);
    const none = await jar.get((await authorizationUrl({ prompt: 'none' })).url.href);
    expect(new URL(none.headers.get('location')!).searchParams.get('error')).toBe('login_required');
  });

  test('logout with an id_token_hint returns to the registered URI', async () => {
    const { callback, verifier, state, nonce } = await codeFlow();
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: rt.postLogoutRedirectUri, state: 'xyz' });
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`${rt.postLogoutRedirectUri}?state=xyz`);
    const forged = await fetch(`${rt.issuer}/logout?id_token_hint=${tokens.access_token}&post_logout_redirect_uri=${encodeURIComponent(rt.postLogoutRedirectUri)}`, { redirect: 'manual' });
    expect(forged.status).toBe(400);
  });

  test('the demo relying party completes the flow and shows the tokens', async () => {
    const jar = new CookieJar();
    const start = await jar.get(`${rt.base}/demo/start`);
    const { post } = await signIn(new URL(start.headers.get('location')!), undefined, jar);
    const callback = await jar.get(post.headers.get('location')!);
    expect(callback.status).toBe(200);
    const html = await callback.text();
    expect(html).toContain('ID token nonce matches');
    expect(html).toContain(rt.userId);
  });

  test('disabling the user stops their grant: refresh and userinfo refuse, the session no longer skips the page', async () => {
    const { callback, verifier, state, nonce, jar } = await codeFlow();
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    await rt.harness.runtime.users.disable(rt.tenant, rt.userId);
    try {
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await fetch(`${rt.issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
      const again = await jar.get((await authorizationUrl()).url.href);
      expect(again.status).toBe(303);
      expect(again.headers.get('location')).toBe(`${rt.issuer}/sign-in`);
    } finally {
      await rt.harness.runtime.users.update(rt.tenant, rt.userId, { status: 'active' });
    }
  });

  test('a confidential client uses the same flow with its secret; a code is bound to the client it was issued to', async () => {
    const confidential = await rt.harness.createClient(rt.tenant, { grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [rt.redirectUri], resources: ['https://api.example.com'], scope: 'demo.read' });
    const cc = await client.discovery(new URL(rt.issuer), confidential.client_id, undefined, client.ClientSecretBasic(confidential.client_secret), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(cc, { redirect_uri: rt.redirectUri, scope: 'openid demo.read', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
    const { post } = await signIn(url);
    const tokens = await client.authorizationCodeGrant(cc, new URL(post.headers.get('location')!), { pkceCodeVerifier: verifier, expectedState: 'st' });
    expect(tokens.claims()!.aud).toBe(confidential.client_id);
    expect(decodeJwt(tokens.access_token).payload.scope).toBe('openid demo.read');

    // The public client's code, presented by the confidential client: refused.
    const stolen = await codeFlow();
    await expect(client.authorizationCodeGrant(cc, stolen.callback, { pkceCodeVerifier: stolen.verifier, expectedState: stolen.state })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('a public client cannot use client_credentials, and a confidential one must authenticate', async () => {
    const publicCc = await rt.harness.form(rt.tenant, 'token', { grant_type: 'client_credentials', client_id: rt.clientId });
    expect(publicCc.status).toBe(401);
    expect(publicCc.json.error).toBe('invalid_client');
  });
});
