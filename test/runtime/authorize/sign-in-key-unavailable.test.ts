import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';
import { CookieJar, startSignInRuntime } from '../helpers/sign-in-runtime';

/**
 * Issue 14 §5: with the tenant's customer key disabled, the hosted sign-in says plainly that
 * sign-in is unavailable (503, Retry-After), and works again once the key is back.
 */
test("hosted sign-in with the customer key disabled: a clear 503 page, then sign-in again once it is enabled", async () => {
  const local = LocalKeyProvider.ephemeral();
  const cache = new DataKeyCache(local);
  const rt = await startSignInRuntime('memory', { runtime: { personalDataKeys: cache } });
  try {
    const signIn = async () => {
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
      return jar.post(`${rt.issuer}/sign-in`, new URLSearchParams({ csrf, username: rt.username, password: rt.password }).toString());
    };
    local.disable('alias/brandstack/local/demo');
    cache.clear();
    const refused = await signIn();
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.text()).toContain('Sign-in for this organisation is temporarily unavailable');
    local.enable('alias/brandstack/local/demo');
    const accepted = await signIn();
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toContain('code=');
  } finally {
    await rt.close();
  }
});
