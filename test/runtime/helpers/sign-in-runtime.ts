/**
 * A started runtime ready for the authorization code flow: tenant `demo`, a user with a password,
 * and a public PKCE client (token_endpoint_auth_method none) whose redirect URIs are on the
 * runtime itself: `/rp/callback` (answers 404; for relying parties that read the code from the
 * redirect, e.g. openid-client driven by a browser test) and `/demo/callback` (the demo relying
 * party of `npm start`, which redeems the code and shows the tokens). Both stores.
 */
import { DemoFlows, demoRelyingParty } from '../../../runtime/src/demo-relying-party/plugin';
import type { DemoSettings } from '../../../runtime/src/demo-relying-party/plugin';
import { DEMO_SCOPE, provisionDemoSignIn } from '../../../runtime/src/demo-relying-party/demo-sign-in';
import type { IdentityRuntimeOptions } from '../../../runtime/src/app';
import { startHarness } from './harness';
import type { Harness, StoreKind } from './harness';

export interface SignInRuntime {
  harness: Harness;
  /** `http://127.0.0.1:<port>` */
  base: string;
  tenant: string;
  /** `<base>/t/<tenant>` */
  issuer: string;
  clientId: string;
  /** `<base>/rp/callback`: registered, answers 404, for a relying party that reads the redirect. */
  redirectUri: string;
  /** `<base>/demo/callback`: registered, the built-in demo page that redeems the code and shows the tokens. */
  demoRedirectUri: string;
  /** `<base>/rp/signed-out`: a registered post_logout_redirect_uri. */
  postLogoutRedirectUri: string;
  /** `<base>/demo/start`: begins a flow of the demo relying party (as `npm start`'s authorize_url does). */
  demoStartUrl: string;
  username: string;
  password: string;
  userId: string;
  close(): Promise<void>;
}

export async function startSignInRuntime(
  kind: StoreKind = 'memory',
  options: { username?: string; password?: string; runtime?: Partial<IdentityRuntimeOptions> } = {},
): Promise<SignInRuntime> {
  let settings: DemoSettings | undefined;
  const flows = new DemoFlows();
  const harness = await startHarness(kind, options.runtime, (app) => app.register(demoRelyingParty, { flows, settings: () => settings }));
  try {
    const tenant = 'demo';
    await harness.createTenant(tenant);
    const issuer = harness.issuer(tenant);
    const redirectUri = `${harness.base}/rp/callback`;
    const demoRedirectUri = `${harness.base}/demo/callback`;
    const postLogoutRedirectUri = `${harness.base}/rp/signed-out`;
    const signIn = await provisionDemoSignIn(harness.runtime, {
      tenant,
      username: options.username ?? 'alice',
      password: options.password,
      redirectUris: [redirectUri, demoRedirectUri],
      postLogoutRedirectUris: [postLogoutRedirectUri, `${harness.base}/demo/signed-out`],
      resource: 'https://api.example.com',
    });
    settings = { issuer, clientId: signIn.clientId, redirectUri: demoRedirectUri, postLogoutRedirectUri: `${harness.base}/demo/signed-out`, scope: DEMO_SCOPE };
    return {
      harness,
      base: harness.base,
      tenant,
      issuer,
      clientId: signIn.clientId,
      redirectUri,
      demoRedirectUri,
      postLogoutRedirectUri,
      demoStartUrl: `${harness.base}/demo/start`,
      username: signIn.username,
      password: signIn.password,
      userId: signIn.userId,
      close: () => harness.close(),
    };
  } catch (error) {
    await harness.close();
    throw error;
  }
}

/**
 * A browser's cookie handling, by hand: fetch with manual redirects, cookies kept by name and
 * sent back on every request to the same server (the runtime's cookies are all under /t/<tenant>).
 */
/**
 * One hosted sign-in, as a browser does it: GET /authorize (PKCE S256), follow to the sign-in
 * page, read its CSRF token, POST the password. Returns the POST's response.
 */
export async function signInAttempt(rt: SignInRuntime, password: string, headers: Record<string, string> = {}): Promise<Response> {
  const jar = new CookieJar();
  const url = new URL(`${rt.issuer}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: rt.clientId,
    redirect_uri: rt.redirectUri,
    scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  }).toString();
  const page = await jar.get((await jar.get(url.href)).headers.get('location')!);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf, username: rt.username, password }).toString(), undefined, headers);
}

export class CookieJar {
  readonly cookies = new Map<string, string>();

  header(): string | undefined {
    return this.cookies.size === 0 ? undefined : [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string): Promise<Response> {
    const cookie = this.header();
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    this.store(response);
    return response;
  }

  async post(url: string, body: string, contentType = 'application/x-www-form-urlencoded', headers: Record<string, string> = {}): Promise<Response> {
    const cookie = this.header();
    const response = await fetch(url, { method: 'POST', redirect: 'manual', body, headers: { 'content-type': contentType, ...(cookie ? { cookie } : {}), ...headers } });
    this.store(response);
    return response;
  }
}
