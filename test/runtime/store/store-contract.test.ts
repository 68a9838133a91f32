import { createPublicKey, randomBytes } from 'node:crypto';
import { ClientExists, KeyNotYetPublished, TenantExists, TenantNotFound } from '../../../runtime/src/errors/resource-errors';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { planRotation } from '../../../runtime/src/keys/key-rotation';
import { generateRsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import type { RsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import type { IdentityStore, StoredClient, StoredSigningKey } from '../../../runtime/src/store/identity-store';
import { MemoryStore } from '../../../runtime/src/store/memory-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { TEST_PG_URL, uniqueSchema } from '../helpers/postgres';
import { STORE_KINDS } from '../helpers/harness';

/** The IdentityStore contract, held by both implementations. */
describe.each(STORE_KINDS)('%s store contract', (kind) => {
  let store: IdentityStore;
  let drop: (() => Promise<void>) | undefined;
  const sealer = new KeySealer(randomBytes(32));
  const t0 = new Date('2030-01-01T00:00:00Z');
  let keys: RsaSigningKey[];

  const stored = (tenant: string, key: RsaSigningKey, status: 'active' | 'next', at = t0): StoredSigningKey => ({
    kid: key.kid,
    status,
    publicJwk: key.publicJwk,
    sealedPrivateKey: sealer.sealSync(key.privateKey, tenant, key.kid),
    attestation: null,
    createdAt: at,
    activatedAt: status === 'active' ? at : null,
    retiredAt: null,
    retainUntil: null,
  });
  const client = (tenantId: string, clientId: string, ttl = 300): StoredClient => ({
    tenantId,
    clientId,
    authMethod: 'client_secret_basic',
    secretHash: randomBytes(32),
    jwks: null,
    scopes: ['a', 'b'],
    resources: ['https://r.example'],
    defaultResource: 'https://r.example',
    accessTokenTtl: ttl,
    grantTypes: ['client_credentials'],
    redirectUris: [],
    postLogoutRedirectUris: [],
    createdAt: t0,
    authorities: [],
    disabledAt: null,
    jwksAttestation: null,
  });

  beforeAll(async () => {
    keys = await Promise.all([0, 1, 2, 3, 4, 5].map(() => generateRsaSigningKey()));
    if (kind === 'postgres') {
      const pg = uniqueSchema();
      drop = pg.drop;
      store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 2 });
    } else {
      store = new MemoryStore();
    }
    await store.createTenant('one', { active: stored('one', keys[0]!, 'active'), next: stored('one', keys[1]!, 'next') }, t0);
    await store.createTenant('two', { active: stored('two', keys[2]!, 'active'), next: stored('two', keys[3]!, 'next') }, t0);
  });
  afterAll(async () => {
    await store.close();
    await drop?.();
  });

  test('tenants: keys round-trip, duplicates are refused, unknown tenants have no keys', async () => {
    const found = await store.findSigningKeys('one');
    expect(found?.map((k) => [k.kid, k.status]).sort()).toEqual([[keys[0]!.kid, 'active'], [keys[1]!.kid, 'next']].sort());
    const active = found!.find((k) => k.status === 'active')!;
    expect(active.publicJwk).toEqual(keys[0]!.publicJwk);
    expect(active.createdAt.toISOString()).toBe(t0.toISOString());
    const opened = sealer.openSync(active.sealedPrivateKey!, 'one', active.kid);
    expect(createPublicKey(opened).export({ format: 'jwk' }).n).toBe(keys[0]!.publicJwk.n);
    await expect(store.createTenant('one', { active: stored('one', keys[4]!, 'active'), next: stored('one', keys[5]!, 'next') }, t0)).rejects.toThrow(TenantExists);
    expect((await store.findSigningKeys('one'))?.map((k) => k.kid).sort()).toEqual([keys[0]!.kid, keys[1]!.kid].sort());
    expect(await store.findSigningKeys('zero')).toBeUndefined();
    expect(['one', 'two']).toContain(await store.anyTenantId());
  });

  test('clients are scoped by tenant', async () => {
    await store.createClient(client('one', 'svc'));
    expect(await store.findClient('one', 'svc')).toMatchObject({ tenantId: 'one', clientId: 'svc', scopes: ['a', 'b'], accessTokenTtl: 300 });
    expect(await store.findClient('two', 'svc')).toBeUndefined();
    await expect(store.createClient(client('one', 'svc'))).rejects.toThrow(ClientExists);
    await expect(store.createClient(client('zero', 'svc'))).rejects.toThrow(TenantNotFound);
    await store.createClient(client('two', 'svc', 900));
    expect((await store.findClient('two', 'svc'))?.accessTokenTtl).toBe(900);
    expect((await store.findClient('one', 'svc'))?.accessTokenTtl).toBe(300);
  });

  test('revocations are scoped by tenant and idempotent', async () => {
    const expires = new Date(t0.getTime() + 60_000);
    await store.revokeToken('one', 'jti-1', expires);
    await store.revokeToken('one', 'jti-1', expires);
    expect(await store.isTokenRevoked('one', 'jti-1')).toBe(true);
    expect(await store.isTokenRevoked('two', 'jti-1')).toBe(false);
  });

  test('client assertion ids are accepted once, per tenant and client', async () => {
    await store.createClient(client('one', 'pk'));
    await store.createClient(client('two', 'pk'));
    const exp = new Date(t0.getTime() + 60_000);
    expect(await store.consumeAssertionId('one', 'pk', 'a1', exp)).toBe(true);
    expect(await store.consumeAssertionId('one', 'pk', 'a1', exp)).toBe(false);
    expect(await store.consumeAssertionId('two', 'pk', 'a1', exp)).toBe(true);
  });

  test('a rejected rotation plan changes nothing', async () => {
    const before = await store.findSigningKeys('two');
    const policy = { publicationDelaySeconds: 3600, keyCacheSeconds: 10 };
    const at = new Date(t0.getTime() + 1000);
    await expect(store.rotateSigningKeys('two', (state) => planRotation(state, stored('two', keys[4]!, 'next', at), at, policy))).rejects.toThrow(KeyNotYetPublished);
    expect(await store.findSigningKeys('two')).toEqual(before);
    await expect(store.rotateSigningKeys('zero', () => { throw new Error('must not be called'); })).rejects.toThrow(TenantNotFound);
  });

  test('rotation retires, activates and publishes atomically, retaining for the longest client TTL', async () => {
    const at = new Date(t0.getTime() + 3600_000);
    const policy = { publicationDelaySeconds: 60, keyCacheSeconds: 10 };
    const result = await store.rotateSigningKeys('two', (state) => {
      expect(state.maxAccessTokenTtl).toBe(900);
      return planRotation(state, stored('two', keys[5]!, 'next', at), at, policy);
    });
    const persisted = await store.findSigningKeys('two');
    const byKid = (list: StoredSigningKey[]) => Object.fromEntries(list.map((k) => [k.kid, k]));
    expect(byKid(persisted!)).toEqual(byKid(result));
    const retired = persisted!.find((k) => k.kid === keys[2]!.kid)!;
    expect(retired).toMatchObject({ status: 'retired', sealedPrivateKey: null });
    expect(retired.retainUntil?.getTime()).toBe(at.getTime() + (900 + 10) * 1000);
    expect(persisted!.find((k) => k.kid === keys[3]!.kid)).toMatchObject({ status: 'active', activatedAt: at });
    expect(persisted!.find((k) => k.kid === keys[5]!.kid)).toMatchObject({ status: 'next' });
    // Tenant one is untouched.
    expect((await store.findSigningKeys('one'))?.map((k) => k.status).sort()).toEqual(['active', 'next']);
  });

  test('purge removes only what has expired', async () => {
    const now = new Date(t0.getTime() + 3600_000 + 100_000);
    await store.revokeToken('one', 'late', new Date(now.getTime() + 60_000));
    await store.purgeExpired(now);
    expect(await store.isTokenRevoked('one', 'jti-1')).toBe(false);
    expect(await store.isTokenRevoked('one', 'late')).toBe(true);
    expect(await store.consumeAssertionId('one', 'pk', 'a1', new Date(now.getTime() + 1000))).toBe(true);
    expect((await store.findSigningKeys('two'))?.some((k) => k.status === 'retired')).toBe(true); // retained 910 s
    await store.purgeExpired(new Date(now.getTime() + 3600_000));
    expect((await store.findSigningKeys('two'))?.some((k) => k.status === 'retired')).toBe(false);
  });
});
