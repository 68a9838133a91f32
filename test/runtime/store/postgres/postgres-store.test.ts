import { randomBytes } from 'node:crypto';
import { KeySealer } from '../../../../runtime/src/keys/key-sealer';
import { generateRsaSigningKey } from '../../../../runtime/src/keys/rsa-key';
import type { StoredSigningKey } from '../../../../runtime/src/store/identity-store';
import { PostgresStore } from '../../../../runtime/src/store/postgres/postgres-store';
import { MIGRATIONS } from '../../../../runtime/src/store/postgres/migrations';
import { querySchema, TEST_PG_URL, uniqueSchema } from '../../helpers/postgres';

describe('PostgreSQL store specifics', () => {
  const pg = uniqueSchema();
  const sealer = new KeySealer(randomBytes(32));
  const at = new Date();
  let store: PostgresStore;

  const stored = async (tenant: string, status: 'active' | 'next', kid?: string): Promise<StoredSigningKey> => {
    const key = await generateRsaSigningKey();
    return {
      kid: kid ?? key.kid,
      status,
      publicJwk: key.publicJwk,
      sealedPrivateKey: sealer.sealSync(key.privateKey, tenant, kid ?? key.kid),
      attestation: null,
      createdAt: at,
      activatedAt: status === 'active' ? at : null,
      retiredAt: null,
      retainUntil: null,
    };
  };

  beforeAll(async () => {
    store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema });
  });
  afterAll(async () => {
    await store.close();
    await pg.drop();
  });

  test('migrations are recorded once, even when several instances start together', async () => {
    const more = await Promise.all([1, 2, 3].map(() => PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 1 })));
    await Promise.all(more.map((s) => s.close()));
    const rows = await querySchema<{ version: number }>(pg.schema, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  test('an invalid schema name is refused before any SQL runs', async () => {
    await expect(PostgresStore.connect({ connectionString: TEST_PG_URL, schema: 'x; DROP TABLE tenants' })).rejects.toThrow(/schema must match/);
  });

  test('tenant creation is one transaction: a failing key insert leaves no tenant behind', async () => {
    const active = await stored('half', 'active');
    const clash = await stored('half', 'next', active.kid); // same primary key as the active key
    await expect(store.createTenant('half', { active, next: clash }, at)).rejects.toThrow();
    expect(await store.findSigningKeys('half')).toBeUndefined();
    expect(await querySchema(pg.schema, `SELECT * FROM tenants WHERE id = 'half'`)).toEqual([]);
    expect(await querySchema(pg.schema, `SELECT * FROM signing_keys WHERE tenant_id = 'half'`)).toEqual([]);
  });

  test('private keys are stored only sealed with AES-256-GCM, bound to tenant and kid', async () => {
    const active = await stored('sealed', 'active');
    const next = await stored('sealed', 'next');
    await store.createTenant('sealed', { active, next }, at);
    const rows = await querySchema<{ kid: string; sealed_private_key: Buffer; public_jwk: Record<string, unknown> }>(
      pg.schema,
      `SELECT kid, sealed_private_key, public_jwk FROM signing_keys WHERE tenant_id = 'sealed'`,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const plaintext = sealer.openSync(row.sealed_private_key, 'sealed', row.kid).export({ format: 'der', type: 'pkcs8' });
      expect(row.sealed_private_key.includes(plaintext.subarray(0, 64))).toBe(false);
      expect(row.sealed_private_key.toString('latin1')).not.toContain('PRIVATE KEY');
      expect(Object.keys(row.public_jwk).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
      // The blob only opens for its own tenant and kid.
      expect(() => sealer.openSync(row.sealed_private_key, 'other-tenant', row.kid)).toThrow(/could not be decrypted/);
    }
  });

  test('the schema itself forbids a second active key and a retired key with private material', async () => {
    const extra = await stored('sealed', 'active');
    await expect(
      querySchema(pg.schema, `INSERT INTO signing_keys (tenant_id, kid, status, public_jwk, sealed_private_key, created_at) VALUES ('sealed', $1, 'active', '{}', '\\x00', now())`, [extra.kid]),
    ).rejects.toThrow(/signing_keys_one_active/);
    await expect(
      querySchema(pg.schema, `UPDATE signing_keys SET status = 'retired', retain_until = now() WHERE tenant_id = 'sealed' AND status = 'next'`),
    ).rejects.toThrow(/check constraint/);
  });
});
