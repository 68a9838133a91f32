import { randomBytes } from 'node:crypto';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { generateRsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import type { StoredAuthorizationCode, StoredGrant } from '../../../runtime/src/store/grants/grant-store';
import type { IdentityStore, StoredSigningKey } from '../../../runtime/src/store/identity-store';
import { MemoryStore } from '../../../runtime/src/store/memory-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { userStoreFor } from '../../../runtime/src/store/users/user-store-for';
import { localPersonalData } from '../helpers/personal-data';
import { hashOpaqueToken } from '../../../runtime/src/tokens/opaque-token';
import { STORE_KINDS } from '../helpers/harness';
import { Client } from 'pg';
import { MIGRATIONS } from '../../../runtime/src/store/postgres/migrations';
import { querySchema, TEST_PG_URL, uniqueSchema } from '../helpers/postgres';

/** The GrantStore contract on both stores: single use under concurrency, rotation, revocation, hashes only. */
describe.each(STORE_KINDS)('%s grant store', (kind) => {
  let store: IdentityStore;
  // One set of keys for every user store this suite opens: they must read each other's index keys.
  const personalData = localPersonalData();
  let schema: string | undefined;
  let drop: (() => Promise<void>) | undefined;
  const t0 = new Date('2030-01-01T00:00:00Z');
  const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

  beforeAll(async () => {
    const sealer = new KeySealer(randomBytes(32));
    const key = async (status: 'active' | 'next'): Promise<StoredSigningKey> => {
      const k = await generateRsaSigningKey();
      return { kid: k.kid, status, publicJwk: k.publicJwk, sealedPrivateKey: sealer.sealSync(k.privateKey, 't', k.kid), attestation: null, createdAt: t0, activatedAt: status === 'active' ? t0 : null, retiredAt: null, retainUntil: null };
    };
    if (kind === 'postgres') {
      const pg = uniqueSchema();
      schema = pg.schema;
      drop = pg.drop;
      store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 4 });
    } else {
      store = new MemoryStore();
    }
    await store.createTenant('t', { active: await key('active'), next: await key('next') }, t0);
    await store.createClient({
      tenantId: 't',
      clientId: 'spa',
      authMethod: 'none',
      secretHash: null,
      jwks: null,
      scopes: [],
      resources: ['https://r.example'],
      defaultResource: 'https://r.example',
      accessTokenTtl: 300,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['https://app.example/cb'],
      postLogoutRedirectUris: [],
      createdAt: t0,
    authorities: [],
    disabledAt: null,
    jwksAttestation: null,
    });
    if (store instanceof PostgresStore) {
      // Grants reference their user (deleting the user deletes them).
      await userStoreFor(store, personalData).createUser(
        { tenantId: 't', id: 'u1', username: 'u1', email: null, name: null, phone: null, status: 'active', authorities: [], createdAt: t0, updatedAt: t0 },
        null,
      );
    }
  });
  afterAll(async () => {
    await store.close();
    await drop?.();
  });

  let n = 0;
  async function newGrant(): Promise<{ grant: StoredGrant; code: StoredAuthorizationCode; codeValue: string }> {
    n += 1;
    const codeValue = `code-${n}-${randomBytes(8).toString('hex')}`;
    const grant: StoredGrant = { tenantId: 't', grantId: `g${n}`, clientId: 'spa', userId: 'u1', scopes: ['openid'], authTime: t0, createdAt: t0, expiresAt: later(3600), revokedAt: null };
    const code: StoredAuthorizationCode = { tenantId: 't', codeHash: hashOpaqueToken(codeValue), grantId: grant.grantId, clientId: 'spa', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43), nonce: 'n', expiresAt: later(60) };
    await store.grants.createGrantWithCode(grant, code);
    return { grant, code, codeValue };
  }

  test('a code is redeemed by exactly one of concurrent attempts; the others see the replay', async () => {
    const { code } = await newGrant();
    const outcomes = await Promise.all([0, 1, 2, 3].map(() => store.grants.redeemAuthorizationCode('t', code.codeHash, t0)));
    expect(outcomes.filter((o) => o.outcome === 'redeemed')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'replayed').map((o) => (o as { grantId: string }).grantId)).toEqual([code.grantId, code.grantId, code.grantId]);
    expect((await store.grants.redeemAuthorizationCode('t', hashOpaqueToken('unknown'), t0)).outcome).toBe('unknown');
    // Tenant isolation: the same hash in another tenant is unknown.
    expect((await store.grants.redeemAuthorizationCode('other', code.codeHash, t0)).outcome).toBe('unknown');
  });

  test('refresh rotation: one winner under concurrency, reuse reported, revocation ends the grant', async () => {
    const { grant } = await newGrant();
    expect(await store.grants.addRefreshToken({ tenantId: 't', tokenHash: 'r0', grantId: grant.grantId, expiresAt: grant.expiresAt }, t0)).toBe(true);
    const outcomes = await Promise.all(['r1a', 'r1b', 'r1c'].map((next) => store.grants.rotateRefreshToken('t', 'spa', 'r0', next, later(1))));
    expect(outcomes.filter((o) => o.outcome === 'rotated')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'reused')).toHaveLength(2);
    // Another client's attempt changes nothing.
    expect((await store.grants.rotateRefreshToken('t', 'someone-else', 'r0', 'x', later(2))).outcome).toBe('invalid');

    await store.grants.recordAccessToken('t', grant.grantId, { jti: `jti-${grant.grantId}`, expiresAt: later(300) });
    const revokedTokens = await store.grants.revokeGrant('t', grant.grantId, later(3));
    expect(revokedTokens).toEqual([{ jti: `jti-${grant.grantId}`, expiresAt: later(300) }]);
    const winner = ['r1a', 'r1b', 'r1c'][outcomes.findIndex((o) => o.outcome === 'rotated')]!;
    expect((await store.grants.rotateRefreshToken('t', 'spa', winner, 'r2', later(4))).outcome).toBe('invalid');
    expect(await store.grants.addRefreshToken({ tenantId: 't', tokenHash: 'r3', grantId: grant.grantId, expiresAt: grant.expiresAt }, later(5))).toBe(false);
    expect((await store.grants.findGrant('t', grant.grantId))?.revokedAt).toEqual(later(3));
  });

  test('a refresh token does not outlive the grant (absolute lifetime)', async () => {
    const { grant } = await newGrant();
    await store.grants.addRefreshToken({ tenantId: 't', tokenHash: `abs-${grant.grantId}`, grantId: grant.grantId, expiresAt: grant.expiresAt }, t0);
    expect((await store.grants.rotateRefreshToken('t', 'spa', `abs-${grant.grantId}`, `abs2-${grant.grantId}`, later(3600))).outcome).toBe('invalid');
  });

  test('purging drops expired codes and grants', async () => {
    const { code, grant } = await newGrant();
    await store.purgeExpired(later(7200));
    expect((await store.grants.redeemAuthorizationCode('t', code.codeHash, later(7200))).outcome).toBe('unknown');
    expect(await store.grants.findGrant('t', grant.grantId)).toBeUndefined();
  });

  if (kind === 'postgres') {
    test('only hashes are stored, never a code', async () => {
      const { codeValue } = await newGrant();
      const rows = await querySchema<{ code_hash: string }>(schema!, 'SELECT code_hash FROM authorization_codes');
      expect(rows.map((r) => r.code_hash)).toContain(hashOpaqueToken(codeValue));
      expect(JSON.stringify(rows)).not.toContain(codeValue);
    });

    test('deleting a user deletes their grants', async () => {
      const users = userStoreFor(store, personalData);
      await users.createUser({ tenantId: 't', id: 'u2', username: 'u2', email: null, name: null, phone: null, status: 'active', authorities: [], createdAt: t0, updatedAt: t0 }, null);
      const grant: StoredGrant = { tenantId: 't', grantId: 'of-u2', clientId: 'spa', userId: 'u2', scopes: [], authTime: t0, createdAt: t0, expiresAt: later(3600), revokedAt: null };
      await store.grants.createGrantWithCode(grant, { tenantId: 't', codeHash: 'h-of-u2', grantId: 'of-u2', clientId: 'spa', redirectUri: 'https://app.example/cb', codeChallenge: 'c'.repeat(43), nonce: null, expiresAt: later(60) });
      await users.deleteUser('t', 'u2');
      expect(await store.grants.findGrant('t', 'of-u2')).toBeUndefined();
      expect((await store.grants.redeemAuthorizationCode('t', 'h-of-u2', t0)).outcome).toBe('unknown');
    });

    test('the database refuses a public client with a secret or with client_credentials', async () => {
      const base = { tenantId: 't', jwks: null, scopes: [], resources: ['https://r.example'], defaultResource: 'https://r.example', accessTokenTtl: 300, redirectUris: [], postLogoutRedirectUris: [], createdAt: t0, authorities: [], disabledAt: null, jwksAttestation: null };
      await expect(store.createClient({ ...base, clientId: 'bad1', authMethod: 'none', secretHash: randomBytes(32), grantTypes: ['authorization_code'] })).rejects.toThrow(/clients_secret_iff_secret_method/);
      await expect(store.createClient({ ...base, clientId: 'bad2', authMethod: 'none', secretHash: null, grantTypes: ['client_credentials'] })).rejects.toThrow(/clients_public_no_client_credentials/);
    });
  }
});

test('migration 3 upgrades a schema with existing clients: they keep client_credentials only', async () => {
  const pg = uniqueSchema();
  const db = new Client({ connectionString: TEST_PG_URL });
  await db.connect();
  try {
    await db.query(`CREATE SCHEMA "${pg.schema}"`);
    await db.query(`SET search_path = "${pg.schema}"`);
    await db.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    for (const migration of MIGRATIONS.filter((m) => m.version < 3)) {
      await db.query(migration.sql);
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await db.query(`INSERT INTO tenants (id, created_at) VALUES ('old', now())`);
    await db.query(
      `INSERT INTO clients (tenant_id, client_id, auth_method, secret_hash, jwks, scopes, resources, default_resource, access_token_ttl, created_at)
       VALUES ('old', 'svc', 'client_secret_basic', '\\x00', NULL, '{}', '{https://r.example}', 'https://r.example', 300, now())`,
    );
  } finally {
    await db.end();
  }
  const store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 1 });
  try {
    expect(await store.findClient('old', 'svc')).toMatchObject({ authMethod: 'client_secret_basic', grantTypes: ['client_credentials'], redirectUris: [], postLogoutRedirectUris: [] });
  } finally {
    await store.close();
    await pg.drop();
  }
});
