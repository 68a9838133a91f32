import * as jose from 'jose';
import { basic, decodeJwt, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * Rotation is an admin operation (POST /admin/tenants/:tenant/keys/rotate). The contract: a key
 * is in the JWKS before it signs anything, and a retired key stays in the JWKS until every token
 * it signed has expired. The server clock is moved instead of waiting.
 */
describe.each(STORE_KINDS)('signing key rotation with the %s store', (kind) => {
  let h: Harness;
  let svc: { client_id: string; client_secret: string };
  const TTL = 600;
  const KEY_CACHE = 10;
  const JWKS_MAX_AGE = 60;

  beforeAll(async () => {
    h = await startHarness(kind, { keyCacheSeconds: KEY_CACHE, jwksMaxAgeSeconds: JWKS_MAX_AGE });
    await h.createTenant('rot');
    await h.createTenant('bystander');
    svc = await h.createClient('rot', { access_token_ttl: TTL, authorities: ['introspect'] });
  });
  afterAll(() => h.close());

  const jwksKids = async (tenant = 'rot') => ((await h.request('GET', `/t/${tenant}/jwks`)).json.keys as { kid: string }[]).map((k) => k.kid);
  const keyStates = async (tenant = 'rot') => (await h.admin('GET', `/admin/tenants/${tenant}/keys`)).json.keys as { kid: string; status: string; retain_until: string | null }[];
  const kidOf = (states: { kid: string; status: string }[], status: string) => states.find((k) => k.status === status)?.kid;
  const issue = async () => (await h.form('rot', 'token', { grant_type: 'client_credentials' }, basic(svc.client_id, svc.client_secret))).json.access_token as string;
  const active = async (token: string) => (await h.form('rot', 'introspect', { token }, basic(svc.client_id, svc.client_secret))).json.active as boolean;
  const verifyAt = async (token: string) => {
    const jwks = jose.createLocalJWKSet((await h.request('GET', '/t/rot/jwks')).json);
    return jose.jwtVerify(token, jwks, { issuer: h.issuer('rot'), typ: 'at+jwt', currentDate: new Date(h.clock.now()) });
  };

  test('a new key is published before it signs and the old key stays until its tokens expire', async () => {
    const before = await keyStates();
    const [first, second] = [kidOf(before, 'active')!, kidOf(before, 'next')!];
    expect(before.map((k) => k.status).sort()).toEqual(['active', 'next']);
    // The next key is already public, although nothing is signed with it yet.
    expect(await jwksKids()).toEqual([first, second]);
    const oldToken = await issue();
    expect(decodeJwt(oldToken).header.kid).toBe(first);

    // Too early: the next key has not been published for max-age + key cache yet.
    const early = await h.admin('POST', '/admin/tenants/rot/keys/rotate');
    expect(early.status).toBe(409);
    expect(early.json.error).toBe('key_not_yet_published');
    expect(await keyStates()).toEqual(before);

    h.clock.advance(JWKS_MAX_AGE + KEY_CACHE + 1);
    const rotatedAt = h.clock.now();
    const rotated = await h.admin('POST', '/admin/tenants/rot/keys/rotate');
    expect(rotated.status).toBe(200);
    const after = rotated.json.keys as { kid: string; status: string; retain_until: string | null }[];
    const third = kidOf(after, 'next')!;
    expect(kidOf(after, 'active')).toBe(second);
    expect(kidOf(after, 'retired')).toBe(first);
    expect(third).not.toBe(first);
    // Retained for the longest client TTL plus the key cache of other instances.
    const retainUntil = Date.parse(after.find((k) => k.kid === first)!.retain_until!);
    expect(Math.abs(retainUntil - (rotatedAt + (TTL + KEY_CACHE) * 1000))).toBeLessThan(2000);
    expect(await keyStates()).toEqual(after);

    // This instance signs with the promoted key at once; all three keys are published.
    const newToken = await issue();
    expect(decodeJwt(newToken).header.kid).toBe(second);
    expect((await jwksKids()).sort()).toEqual([first, second, third].sort());
    await expect(verifyAt(oldToken)).resolves.toBeDefined();
    await expect(verifyAt(newToken)).resolves.toBeDefined();
    expect(await active(oldToken)).toBe(true);
    expect(await active(newToken)).toBe(true);

    // The old token expires; its key is still published for the rest of the retention.
    h.clock.advance(TTL);
    expect(await active(oldToken)).toBe(false);
    expect(await jwksKids()).toContain(first);

    // Past the retention the retired key leaves the JWKS; the next rotation deletes it.
    h.clock.advance(KEY_CACHE + 1);
    expect(await jwksKids()).not.toContain(first);
    const again = await h.admin('POST', '/admin/tenants/rot/keys/rotate');
    expect(again.status).toBe(200);
    const finalKids = (again.json.keys as { kid: string }[]).map((k) => k.kid);
    expect(finalKids).not.toContain(first);
    expect(kidOf(again.json.keys, 'active')).toBe(third);
    expect(kidOf(again.json.keys, 'retired')).toBe(second);
    expect(decodeJwt(await issue()).header.kid).toBe(third);
  });

  test("rotating one tenant leaves another tenant's keys alone", async () => {
    const before = await keyStates('bystander');
    h.clock.advance(JWKS_MAX_AGE + KEY_CACHE + 1);
    expect((await h.admin('POST', '/admin/tenants/rot/keys/rotate')).status).toBe(200);
    expect(await keyStates('bystander')).toEqual(before);
  });

  test('rotation requires the admin token and an existing tenant', async () => {
    expect((await h.admin('POST', '/admin/tenants/rot/keys/rotate', undefined, 'x'.repeat(43))).status).toBe(401);
    const unknown = await h.admin('POST', '/admin/tenants/ghost/keys/rotate');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toBe('tenant_not_found');
  });

  test('an access token is inactive once expired', async () => {
    const short = await h.createClient('rot', { access_token_ttl: 60 });
    const response = await h.form('rot', 'token', { grant_type: 'client_credentials' }, basic(short.client_id, short.client_secret));
    const token = response.json.access_token as string;
    expect(await active(token)).toBe(true);
    h.clock.advance(61);
    expect(await active(token)).toBe(false);
  });

  test('revoked tokens stay inactive, and revocation records are purged after expiry', async () => {
    const token = await issue();
    expect((await h.form('rot', 'revoke', { token }, basic(svc.client_id, svc.client_secret))).status).toBe(200);
    const { jti } = decodeJwt(token).payload;
    expect(await h.store.isTokenRevoked('rot', jti)).toBe(true);
    await h.store.purgeExpired(new Date(h.clock.now()));
    expect(await h.store.isTokenRevoked('rot', jti)).toBe(true);
    h.clock.advance(TTL + 1);
    await h.store.purgeExpired(new Date(h.clock.now()));
    expect(await h.store.isTokenRevoked('rot', jti)).toBe(false);
    expect(await active(token)).toBe(false); // expired now, so inactive without the record
  });
});
