import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { rsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import { querySchema } from '../helpers/postgres';
import { basic, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * Issue 14 §7 and §11: someone with only database write access plants a verification key, as a
 * retired key or by swapping the public half of the next key, and signs a token with it. Before
 * issue 14 introspection accepted it. Now the key is left out of the JWKS (its attestation does
 * not verify) and the token is inactive.
 */
describe('a database write alone cannot plant a verification key', () => {
  let h: Harness;
  let rs: { client_id: string; client_secret: string };
  const attacker = rsaSigningKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

  beforeAll(async () => {
    h = await startHarness('postgres', { keyCacheSeconds: 1 });
    await h.createTenant('acme');
    rs = await h.createClient('acme', { authorities: ['introspect'] });
  });
  afterAll(() => h.close());

  const forgedToken = () => {
    const now = Math.floor(h.clock.now() / 1000);
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: attacker.kid })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({ iss: h.issuer('acme'), sub: rs.client_id, aud: 'https://orders.example.com', exp: now + 300, iat: now, jti: randomUUID(), client_id: rs.client_id, tenant: 'acme', authorities: ['tenant:admin'] }),
    ).toString('base64url');
    return `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), attacker.privateKey).toString('base64url')}`;
  };
  const introspect = async (token: string) => (await h.form('acme', 'introspect', { token }, basic(rs.client_id, rs.client_secret))).json.active as boolean;
  const jwksKids = async () => ((await h.request('GET', '/t/acme/jwks')).json as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
  const reload = async () => {
    h.clock.advance(2); // past the keyring cache
  };

  test('a retired key inserted by hand is not published and verifies nothing', async () => {
    await querySchema(
      h.schema!,
      `INSERT INTO signing_keys (tenant_id, kid, status, public_jwk, sealed_private_key, created_at, retired_at, retain_until, attestation)
       VALUES ('acme', $1, 'retired', $2, NULL, now(), now(), now() + interval '1 day', decode(repeat('ab', 32), 'hex'))`,
      [attacker.kid, JSON.stringify(attacker.publicJwk)],
    );
    await reload();
    expect(await jwksKids()).not.toContain(attacker.kid);
    expect(await introspect(forgedToken())).toBe(false);
    expect(h.logs.some((l) => l.includes('signing_key.rejected') && l.includes(attacker.kid))).toBe(true);
    // ...nor as an admin credential.
    expect((await h.admin('GET', '/admin/tenants/acme/clients', undefined, forgedToken())).status).toBe(401);
  });

  test("the next key's public half swapped (kid and all, attestation copied) is refused too", async () => {
    await querySchema(h.schema!, `DELETE FROM signing_keys WHERE tenant_id = 'acme' AND kid = $1`, [attacker.kid]);
    const [next] = await querySchema<{ kid: string }>(h.schema!, `SELECT kid FROM signing_keys WHERE tenant_id = 'acme' AND status = 'next'`);
    await querySchema(h.schema!, `UPDATE signing_keys SET kid = $2, public_jwk = $3 WHERE tenant_id = 'acme' AND kid = $1`, [next!.kid, attacker.kid, JSON.stringify(attacker.publicJwk)]);
    await reload();
    expect(await jwksKids()).not.toContain(attacker.kid);
    expect(await introspect(forgedToken())).toBe(false);
    // The tenant's real tokens still work: its active key is untouched.
    const real = await h.createClient('acme');
    const issued = await h.form('acme', 'token', { grant_type: 'client_credentials' }, basic(real.client_id, real.client_secret));
    expect(await introspect(issued.json.access_token)).toBe(true);
  });

  test("the active key's public half swapped: the tenant stops signing rather than publish a planted key", async () => {
    await h.createTenant('victim');
    const [active] = await querySchema<{ kid: string }>(h.schema!, `SELECT kid FROM signing_keys WHERE tenant_id = 'victim' AND status = 'active'`);
    await querySchema(h.schema!, `UPDATE signing_keys SET public_jwk = $2 WHERE tenant_id = 'victim' AND kid = $1`, [active!.kid, JSON.stringify({ ...attacker.publicJwk, kid: active!.kid })]);
    await reload();
    const jwks = await h.request('GET', '/t/victim/jwks');
    expect(jwks.status).toBe(500);
    expect(jwks.text).not.toContain(attacker.publicJwk.n);
  });
});

describe("a private_key_jwt client's registered JWKS cannot be swapped by a database write", () => {
  test('the swapped JWKS authenticates nobody; the genuine one works until then', async () => {
    const jose = await import('jose');
    const h = await startHarness('postgres', { clientCacheSeconds: 1 });
    try {
      await h.createTenant('acme');
      const genuine = await jose.generateKeyPair('RS256');
      const forged = await jose.generateKeyPair('RS256');
      const jwk = { ...(await jose.exportJWK(genuine.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
      const created = await h.admin('POST', '/admin/tenants/acme/clients', { client_id: 'signer', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, resources: ['https://api.example'] });
      expect(created.status).toBe(201);
      const assertion = (key: Parameters<InstanceType<typeof jose.SignJWT>['sign']>[0]) =>
        new jose.SignJWT({ jti: randomUUID() })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer('signer')
          .setSubject('signer')
          .setAudience(h.issuer('acme'))
          .setIssuedAt()
          .setExpirationTime('1m')
          .sign(key);
      const token = async (key: Parameters<InstanceType<typeof jose.SignJWT>['sign']>[0]) =>
        h.form('acme', 'token', { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await assertion(key) });
      expect((await token(genuine.privateKey)).status).toBe(200);

      const swapped = { keys: [{ ...(await jose.exportJWK(forged.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] };
      await querySchema(h.schema!, `UPDATE clients SET jwks = $1 WHERE tenant_id = 'acme' AND client_id = 'signer'`, [JSON.stringify(swapped)]);
      h.clock.advance(2);
      const refused = await token(forged.privateKey);
      expect(refused.status).toBe(401);
      expect(refused.json.error).toBe('invalid_client');
      expect(h.logs.some((l) => l.includes('client_jwks.rejected'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
