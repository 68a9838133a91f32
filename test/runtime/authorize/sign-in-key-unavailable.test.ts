import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';
import { signInAttempt, startSignInRuntime } from '../helpers/sign-in-runtime';

/**
 * Issue 14 §5: with the tenant's customer key disabled, the hosted sign-in says plainly that
 * sign-in is unavailable (503, Retry-After), and works again once the key is back.
 */
test("hosted sign-in with the customer key disabled: a clear 503 page, then sign-in again once it is enabled", async () => {
  const local = LocalKeyProvider.ephemeral();
  const cache = new DataKeyCache(local);
  const rt = await startSignInRuntime('memory', { runtime: { personalDataKeys: cache } });
  try {
    const signIn = () => signInAttempt(rt, rt.password);
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
