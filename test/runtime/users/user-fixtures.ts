import { randomBytes } from 'node:crypto';
import type { IdentityStore, StoredSigningKey } from '../../../runtime/src/store/identity-store';
import { MemoryStore } from '../../../runtime/src/store/memory-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import type { StoreKind } from '../helpers/harness';
import { TEST_PG_URL, uniqueSchema } from '../helpers/postgres';

/** An identity store of the given kind, with the drop of its schema for PostgreSQL. */
export async function openStore(kind: StoreKind): Promise<{ store: IdentityStore; schema?: string; close(): Promise<void> }> {
  if (kind === 'memory') {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  }
  const pg = uniqueSchema();
  const store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 4 });
  return {
    store,
    schema: pg.schema,
    async close() {
      await store.close();
      await pg.drop();
    },
  };
}

/** Creates a tenant with placeholder keys: the user stores only need the tenant to exist. */
export async function createTenant(store: IdentityStore, tenantId: string, at = new Date('2030-01-01T00:00:00Z')): Promise<void> {
  const key = (status: 'active' | 'next'): StoredSigningKey => {
    const kid = randomBytes(8).toString('hex');
    return {
      kid,
      status,
      publicJwk: { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid, alg: 'RS256', use: 'sig' },
      sealedPrivateKey: randomBytes(32),
      attestation: null,
      createdAt: at,
      activatedAt: status === 'active' ? at : null,
      retiredAt: null,
      retainUntil: null,
    };
  };
  await store.createTenant(tenantId, { active: key('active'), next: key('next') }, at);
}
