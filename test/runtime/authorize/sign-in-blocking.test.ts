import { TrustedProxies } from '../../../runtime/src/sign-in-protection/trusted-proxies';
import { STORE_KINDS } from '../helpers/harness';
import { signInAttempt as attempt, startSignInRuntime } from '../helpers/sign-in-runtime';

/**
 * Issue 12 items 4–5 at the hosted sign-in: 5 wrong passwords from one client IP block it (a
 * readable 429 page with Retry-After); X-Forwarded-For from an untrusted peer changes nothing,
 * and from a trusted proxy it names the client that gets blocked.
 */
describe.each(STORE_KINDS)('sign-in blocking (%s store)', (kind) => {

  test('5 wrong passwords block the IP, whatever X-Forwarded-For an untrusted peer sends', async () => {
    const rt = await startSignInRuntime(kind);
    try {
      for (let i = 0; i < 4; i++) {
        const failed = await attempt(rt, `wrong password number ${i}`, { 'x-forwarded-for': `198.51.100.${i}` });
        expect(failed.status).toBe(303);
      }
      const fifth = await attempt(rt, 'wrong password number 5', { 'x-forwarded-for': '203.0.113.9' });
      expect(fifth.status).toBe(429);
      expect(Number(fifth.headers.get('retry-after'))).toBe(15 * 60);
      expect(fifth.headers.get('content-type')).toContain('text/html');
      expect(await fifth.text()).toContain('Too many failed sign-ins');
      // Even the right password is refused while blocked.
      const right = await attempt(rt, rt.password, { 'x-forwarded-for': '192.0.2.77' });
      expect(right.status).toBe(429);
      // The block's notification travels the event backbone (outbox → relay → bus → notifier),
      // after the response: wait for it.
      for (let i = 0; i < 250 && !rt.harness.logs.some((l) => l.includes('security.ip_blocked')); i++) await new Promise((r) => setTimeout(r, 20));
      const logs = rt.harness.logs.join('\n');
      expect(logs).toContain('"client_ip":"127.0.0.1"');
      expect(logs).not.toContain('198.51.100.');
      expect(logs).toContain('security.ip_blocked');
      expect(logs).not.toContain(rt.password);
      expect(logs).not.toContain('wrong password number');
    } finally {
      await rt.close();
    }
  });

  test('behind a trusted proxy, the client named by X-Forwarded-For is blocked, not the proxy', async () => {
    const rt = await startSignInRuntime(kind, { runtime: { trustedProxies: new TrustedProxies(['127.0.0.1/32']) } });
    try {
      for (let i = 0; i < 5; i++) await attempt(rt, `wrong password number ${i}`, { 'x-forwarded-for': '198.51.100.7' });
      expect((await attempt(rt, rt.password, { 'x-forwarded-for': '198.51.100.7' })).status).toBe(429);
      const other = await attempt(rt, rt.password, { 'x-forwarded-for': '198.51.100.8' });
      expect(other.status).toBe(303);
      expect(new URL(other.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    } finally {
      await rt.close();
    }
  });
});
