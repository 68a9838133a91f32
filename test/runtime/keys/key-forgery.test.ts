import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { buildIdentityRuntime } from '../../../runtime/src/app';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { createLogger } from '../../../runtime/src/support/logger';
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

/**
 * The migration path (issue 14 §7): keys and client JWKS from before issue 14 have no attestation.
 * The next start attests them, one query each whatever the number of tenants, trusting the
 * database as it then is; but a key whose private half is not its public JWK is refused.
 */
describe('rows from before issue 14 are attested at the next start', () => {
  test('legacy keys and JWKS attested; a swapped legacy key is not', async () => {
    const sealer = new KeySealer(randomBytes(32));
    const hasher = new SecretHasher(randomBytes(32));
    const h = await startHarness('postgres', { sealer, hasher });
    try {
      await h.createTenant('legacy');
      await h.createTenant('tampered');
      const jwk = { ...(await exportJwk()), kid: 'k1', alg: 'RS256', use: 'sig' };
      expect((await h.admin('POST', '/admin/tenants/legacy/clients', { client_id: 'signer', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, resources: ['https://api.example'] })).status).toBe(201);
      await querySchema(h.schema!, `UPDATE signing_keys SET attestation = NULL WHERE tenant_id IN ('legacy', 'tampered')`);
      await querySchema(h.schema!, `UPDATE clients SET jwks_attestation = NULL WHERE client_id = 'signer'`);
      const [active] = await querySchema<{ kid: string }>(h.schema!, `SELECT kid FROM signing_keys WHERE tenant_id = 'tampered' AND status = 'active'`);
      await querySchema(h.schema!, `UPDATE signing_keys SET public_jwk = $2 WHERE tenant_id = 'tampered' AND kid = $1`, [active!.kid, JSON.stringify({ ...attackerKey.publicJwk, kid: active!.kid })]);

      const lines: string[] = [];
      const restarted = await buildIdentityRuntime({
        store: h.store,
        sealer,
        hasher,
        logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }),
        processMetrics: false,
      });
      try {
        const base = await restarted.listen('127.0.0.1', 0);
        const unattested = await querySchema<{ tenant_id: string; kid: string }>(h.schema!, 'SELECT tenant_id, kid FROM signing_keys WHERE attestation IS NULL');
        expect(unattested).toEqual([{ tenant_id: 'tampered', kid: active!.kid }]);
        const [client] = await querySchema<{ jwks_attestation: Buffer | null }>(h.schema!, `SELECT jwks_attestation FROM clients WHERE client_id = 'signer'`);
        expect(client!.jwks_attestation).not.toBeNull();
        expect((await fetch(`${base}/t/legacy/jwks`)).status).toBe(200);
        expect((await fetch(`${base}/t/tampered/jwks`)).status).toBe(500);
        expect(lines.some((l) => l.includes('signing_key.not_attested') && l.includes(active!.kid))).toBe(true);
        expect(lines.some((l) => l.includes('"keys":3') && l.includes('signing_key.attested'))).toBe(true);
        expect(lines.some((l) => l.includes('"clients":1') && l.includes('client_jwks.attested'))).toBe(true);
      } finally {
        await restarted.close();
      }
    } finally {
      await h.close();
    }
  });
});

const attackerKey = rsaSigningKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);

async function exportJwk(): Promise<Record<string, unknown>> {
  const jose = await import('jose');
  return { ...(await jose.exportJWK((await jose.generateKeyPair('RS256')).publicKey)) };
}
