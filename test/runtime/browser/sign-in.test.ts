/**
 * The hosted sign-in page in a real browser: Chromium (Debian's package, through playwright-core)
 * signs in with the keyboard only, and openid-client is the relying party of a public client
 * (authorization code + PKCE S256, RFC 7636; nonce and ID token per OIDC Core §3.1). Then the
 * brute-force protection as a browser sees it: five wrong passwords from one address get the
 * blocked page (429, Retry-After), even when every attempt carries a different, spoofed
 * X-Forwarded-For, because the runtime's peer (this test, on loopback) is no trusted proxy.
 * The same suite runs on the embedded store and on PostgreSQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { STORE_KINDS, startHarness, type Harness, type StoreKind } from '../helpers/harness';

const PASSWORD = 'a long passphrase nobody guesses 7';

/** The relying party's redirect_uri: a loopback page that only says it received the redirect. */
async function startRedirectTarget(): Promise<{ server: Server; redirectUri: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>back at the application</title><p>received</p>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback` };
}

describe.each(STORE_KINDS)('hosted sign-in in Chromium (%s store)', (kind: StoreKind) => {
  let h: Harness;
  let browser: Browser;
  let target: { server: Server; redirectUri: string };
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchChromium();
    target = await startRedirectTarget();
    h = await startHarness(kind);
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await new Promise<void>((done) => (target ? target.server.close(() => done()) : done()));
  });

  beforeEach(async () => {
    context = await browser.newContext();
  });

  afterEach(async () => {
    await context.close();
  });

  /** A tenant with one user and one public client whose only redirect URI is the test's page. */
  async function tenantWithUser(tenant: string, username: string) {
    await h.createTenant(tenant, `Browser & Co — ${tenant}`);
    const user = await h.runtime.users.create(tenant, { username, password: PASSWORD, email: `${username}@example.com` });
    const registered = await h.createClient(tenant, { token_endpoint_auth_method: 'none', redirect_uris: [target.redirectUri] });
    const config = await client.discovery(new URL(h.issuer(tenant)), registered.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    return { user, config };
  }

  async function startAuthorization(page: Page, config: client.Configuration) {
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: target.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const response = await page.goto(url.href);
    return { codeVerifier, nonce, state, response };
  }

  /** Types into the page as a keyboard user does: the username field has focus, Tab moves on, Enter submits. */
  async function typeCredentials(page: Page, username: string, password: string): Promise<Response> {
    expect(await page.locator(':focus').getAttribute('name')).toBe('username');
    await page.keyboard.type(username);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('name')).toBe('password');
    await page.keyboard.type(password);
    // The POST's answer, and the document the browser ends on: after a 303, the page it leads to
    // (the form again, or the application); otherwise the answer itself (the blocked page).
    const [post] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/sign-in')),
      page.waitForEvent('framenavigated', (frame) => frame === page.mainFrame()),
      page.keyboard.press('Enter'),
    ]);
    await page.waitForLoadState('load');
    return post;
  }

  test('a user signs in with the keyboard on the hosted page; the RP exchanges the code with PKCE and validates the ID token', async () => {
    const tenant = 'browser-rp';
    const { user, config } = await tenantWithUser(tenant, 'alice');
    const page = await context.newPage();
    const { codeVerifier, nonce, state, response } = await startAuthorization(page, config);

    // The authorization endpoint sends the browser to the sign-in page (303), which is ours, titled for the tenant.
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).href).toBe(`${h.issuer(tenant)}/sign-in`);
    expect(await page.title()).toBe(`Sign in – Browser & Co — ${tenant}`);
    expect(response?.headers()['cache-control']).toBe('no-store');
    expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");

    const post = await typeCredentials(page, 'alice', PASSWORD);
    expect(post.status()).toBe(303);
    await page.waitForURL((url) => url.href.startsWith(target.redirectUri));
    expect(await page.title()).toBe('back at the application');

    const callback = new URL(page.url());
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(h.issuer(tenant));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims.nonce).toBe(nonce);
    expect(claims.sub).toBe(user.id);
    expect(claims.iss).toBe(h.issuer(tenant));
    expect(claims.aud).toBe(config.clientMetadata().client_id);
    expect(typeof claims.auth_time).toBe('number');

    // The access token is the user's: userinfo answers for the same subject.
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info.sub).toBe(user.id);

    // The code is spent: exchanging it again is refused.
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, expectedNonce: nonce, expectedState: state })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  test('five wrong passwords get the blocked page (429), though each attempt claims another address in a spoofed X-Forwarded-For', async () => {
    const tenant = 'browser-blocked';
    const { config } = await tenantWithUser(tenant, 'bob');
    const page = await context.newPage();
    await startAuthorization(page, config);

    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      // Were X-Forwarded-For believed, every attempt would count against a fresh address and none would be blocked.
      await page.setExtraHTTPHeaders({ 'x-forwarded-for': `203.0.113.${attempt}` });
      const post = await typeCredentials(page, 'bob', `wrong passphrase number ${attempt}!`);
      statuses.push(post.status());
      if (attempt < 5) {
        // Back on the form (303 after the POST), with a message and focus on the username again.
        expect(new URL(page.url()).pathname).toBe(`/t/${tenant}/sign-in`);
        expect(new URL(page.url()).searchParams.get('error')).toBe('invalid_credentials');
      }
    }
    expect(statuses).toEqual([303, 303, 303, 303, 429]);
    expect(await page.title()).toBe(`Too many failed sign-ins – Browser & Co — ${tenant}`);
    expect(await page.textContent('body')).toContain('Try again in 15 minutes');

    // Still blocked from this address, whatever it now claims to be, even with the right password.
    const again = await context.newPage();
    await again.setExtraHTTPHeaders({ 'x-forwarded-for': '198.51.100.77' });
    await startAuthorization(again, config);
    const blocked = await typeCredentials(again, 'bob', PASSWORD);
    expect(blocked.status()).toBe(429);
    expect(Number(blocked.headers()['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers()['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(again.url().startsWith(target.redirectUri)).toBe(false);

    // Every attempt was logged against the socket's address; no spoofed one appears anywhere.
    const attempts = h.logs.map((line) => JSON.parse(line)).filter((entry) => entry.tenant === tenant && entry.outcome !== undefined);
    expect(attempts.map((entry) => [entry.client_ip, entry.outcome])).toEqual([
      ...Array.from({ length: 5 }, () => ['127.0.0.1', 'failure']),
      ['127.0.0.1', 'blocked'],
    ]);
    expect(h.logs.filter((line) => line.includes('203.0.113.') || line.includes('198.51.100.77'))).toEqual([]);
  });
});
