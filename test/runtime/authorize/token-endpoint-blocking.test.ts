import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * Issue 12 item 4 at the token endpoint: failed client authentication counts against the client
 * IP like a failed sign-in; once blocked, every token request from that IP (even with the right
 * secret) gets 429 with Retry-After and an RFC 6749-shaped JSON error; other tenants are unaffected.
 */
describe.each(STORE_KINDS)('token endpoint IP blocking (%s store)', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('acme');
    await h.createTenant('other');
  });
  afterAll(() => h.close());

  test('5 failed client authentications block the IP: 429, Retry-After, JSON error', async () => {
    const good = await h.createClient('acme');
    const otherTenant = await h.createClient('other');
    const grant = { grant_type: 'client_credentials' };
    for (let i = 0; i < 5; i++) {
      const failed = await h.form('acme', 'token', grant, basic(good.client_id, 'wrong-secret'));
      expect(failed.status).toBe(401);
      expect(failed.json.error).toBe('invalid_client');
    }
    const blocked = await h.form('acme', 'token', grant, basic(good.client_id, good.client_secret));
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    expect(blocked.json).toEqual({ error: 'temporarily_unavailable', error_description: expect.stringContaining('too many failed attempts') });
    expect(blocked.headers.get('cache-control')).toBe('no-store');

    // The block is per tenant.
    expect((await h.form('other', 'token', grant, basic(otherTenant.client_id, otherTenant.client_secret))).status).toBe(200);
    // The log names the IP and outcome, never the secret.
    const lines = h.logs.filter((l) => l.includes('"event":"client_authentication"'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.join('\n')).not.toContain(good.client_id);
    expect(h.logs.join('\n')).not.toContain('wrong-secret');
  });
});
