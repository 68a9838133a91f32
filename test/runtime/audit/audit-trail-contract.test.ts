import { MongoClient } from 'mongodb';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { chainAuditEvent, genesisHash } from '../../../runtime/src/audit/audit-chain';
import type { SequencedAuditEvent } from '../../../runtime/src/audit/audit-chain';
import { AuditTrailConflict, InvalidAuditQuery } from '../../../runtime/src/audit/audit-errors';
import { buildAuditEvent, opaqueId } from '../../../runtime/src/audit/audit-event';
import type { AuditTrail } from '../../../runtime/src/audit/audit-trail';
import { MemoryAuditTrail } from '../../../runtime/src/store/audit/memory-audit-trail';
import { AUDIT_TRAIL_COLLECTION, MongoAuditTrail } from '../../../runtime/src/store/audit/mongo-audit-trail';

/**
 * The audit trail's read side: one contract, run against the embedded implementation always and
 * against MongoDB whenever BRANDSTACK_TEST_MONGO_URL is set (the pipeline's synth step installs
 * MongoDB Community and sets it; these machines cannot run a MongoDB server).
 */
const MONGO_URL = process.env.BRANDSTACK_TEST_MONGO_URL;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0, 0);

/** A tenant's chain of `count` events, as the PostgreSQL store would have appended them. */
function chain(tenant: string, count: number, minutesApart = 1): SequencedAuditEvent[] {
  const records: SequencedAuditEvent[] = [];
  let previous = genesisHash(tenant);
  for (let n = 1; n <= count; n += 1) {
    const event = chainAuditEvent(
      buildAuditEvent(
        { tenant, actor: { type: 'user', id: opaqueId('u_7f3a9c'), clientId: opaqueId('console') }, action: 'user.disabled', target: { type: 'user', id: opaqueId(`u_${n}`) }, outcome: 'success', sourceIp: '2001:db8::1', requestId: `req-${n}` },
        { now: () => T0 + n * minutesApart * 60_000 },
      ),
      previous,
    );
    records.push({ sequence: n, event });
    previous = event.hash;
  }
  return records;
}

interface TrailFixture {
  trail: AuditTrail;
  close(): Promise<void>;
}

function contract(name: string, open: () => Promise<TrailFixture>): void {
  describe(`AuditTrail contract: ${name}`, () => {
    let fixture: TrailFixture;
    beforeEach(async () => {
      fixture = await open();
    });
    afterEach(async () => fixture.close());

    it('records events idempotently by id, in any arrival order, and returns them in chain order', async () => {
      const records = chain('acme', 5);
      for (const record of [records[2]!, records[0]!, records[4]!, records[1]!, records[3]!]) expect(await fixture.trail.record(record)).toBe('recorded');
      expect(await fixture.trail.record(records[1]!)).toBe('duplicate');
      const page = await fixture.trail.query('acme', { limit: 10 });
      expect(page).toEqual({ events: records.map((r) => r.event), next_cursor: null });
    });

    it('refuses a different event at a place already taken in the chain', async () => {
      const [first] = chain('acme', 1);
      await fixture.trail.record(first!);
      const forged = { sequence: 1, event: { ...first!.event, id: 'another-id' } };
      await expect(fixture.trail.record(forged)).rejects.toBeInstanceOf(AuditTrailConflict);
    });

    it('pages with an opaque cursor, filters by time and keeps tenants apart', async () => {
      for (const record of [...chain('acme', 7), ...chain('globex', 2)]) await fixture.trail.record(record);
      const first = await fixture.trail.query('acme', { limit: 3, from: new Date(T0 + 2 * 60_000), to: new Date(T0 + 7 * 60_000) });
      expect(first.events.map((e) => e.request_id)).toEqual(['req-2', 'req-3', 'req-4']);
      const second = await fixture.trail.query('acme', { limit: 3, from: new Date(T0 + 2 * 60_000), to: new Date(T0 + 7 * 60_000), cursor: first.next_cursor! });
      expect(second).toMatchObject({ next_cursor: null });
      expect(second.events.map((e) => e.request_id)).toEqual(['req-5', 'req-6']);
      expect((await fixture.trail.query('globex', { limit: 10 })).events.every((e) => e.tenant === 'globex')).toBe(true);
      await expect(fixture.trail.query('globex', { limit: 1, cursor: first.next_cursor! })).rejects.toBeInstanceOf(InvalidAuditQuery);
    });

    it('verifies the chain and names its first broken link', async () => {
      const records = chain('acme', 6);
      await fixture.trail.record(records[0]!);
      await fixture.trail.record(records[1]!);
      // A changed field under an unchanged hash.
      await fixture.trail.record({ sequence: 3, event: { ...records[2]!.event, outcome: 'denied' } });
      expect(await fixture.trail.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 3, id: records[2]!.event.id }, reason: 'hash_mismatch' });

      const intact = await open();
      try {
        for (const record of records.filter((r) => r.sequence !== 4)) await intact.trail.record(record);
        expect(await intact.trail.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 4, id: null }, reason: 'missing_event' });
        await intact.trail.record(records[3]!);
        expect(await intact.trail.verify('acme')).toEqual({ ok: true, events: 6 });
        expect(await intact.trail.verify('nobody')).toEqual({ ok: true, events: 0 });
      } finally {
        await intact.close();
      }
    });

    it('verifies from the oldest retained event when older ones have expired', async () => {
      const records = chain('acme', 5);
      // Events 1 and 2 are gone (the TTL removed them); the rest still link up.
      for (const record of records.slice(2)) await fixture.trail.record(record);
      expect(await fixture.trail.verify('acme')).toEqual({ ok: true, events: 3 });
    });
  });
}

contract('embedded (MemoryAuditTrail)', async () => ({ trail: new MemoryAuditTrail(), close: async () => undefined }));

describe('MemoryAuditTrail retention', () => {
  it('stops returning events older than the retention, as the TTL index would', async () => {
    const trail = new MemoryAuditTrail({ retentionSeconds: 3 * 60, now: () => T0 + 5 * 60_000 });
    for (const record of chain('acme', 5)) await trail.record(record);
    expect((await trail.query('acme', { limit: 10 })).events.map((e) => e.request_id)).toEqual(['req-2', 'req-3', 'req-4', 'req-5']);
    expect(await trail.verify('acme')).toEqual({ ok: true, events: 4 });
  });
});

if (MONGO_URL === undefined) {
  describe('AuditTrail contract: MongoDB is NOT running here, because BRANDSTACK_TEST_MONGO_URL is unset (no MongoDB server on this machine; the pipeline synth step sets it)', () => {
    it('runs only with BRANDSTACK_TEST_MONGO_URL, which is unset in this environment', () => {
      console.warn('MongoDB audit-trail contract not run: BRANDSTACK_TEST_MONGO_URL is unset (set it to a mongodb:// URL to run it)');
      expect(process.env.BRANDSTACK_TEST_MONGO_URL).toBeUndefined();
    });
  });
} else {
  const url = MONGO_URL;
  const databases: string[] = [];
  let client: MongoClient;
  beforeAll(async () => {
    client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5000 });
  });
  afterAll(async () => {
    for (const name of databases) await client.db(name).dropDatabase();
    await client.close();
  });
  const freshDb = (): Db => {
    const name = `bs_test_audit_${process.pid}_${randomBytes(4).toString('hex')}`;
    databases.push(name);
    return client.db(name);
  };

  contract('MongoDB (MongoAuditTrail)', async () => ({ trail: await MongoAuditTrail.open(freshDb(), { retentionSeconds: 86_400 }), close: async () => undefined }));

  describe('MongoAuditTrail indexes', () => {
    it('creates the unique id, unique chain position and TTL indexes, and changes the retention in place', async () => {
      const db = freshDb();
      await MongoAuditTrail.open(db, { retentionSeconds: 86_400 });
      await MongoAuditTrail.open(db, { retentionSeconds: 3_600 });
      const indexes = await db.collection(AUDIT_TRAIL_COLLECTION).indexes();
      expect(indexes.find((i) => i.name === 'audit_trail_id')).toMatchObject({ key: { id: 1 }, unique: true });
      expect(indexes.find((i) => i.name === 'audit_trail_chain')).toMatchObject({ key: { tenant: 1, sequence: 1 }, unique: true });
      expect(indexes.find((i) => i.name === 'audit_trail_ttl')).toMatchObject({ key: { time: 1 }, expireAfterSeconds: 3_600 });
    });

    it('refuses an unusable retention before touching the database', async () => {
      await expect(MongoAuditTrail.open(freshDb(), { retentionSeconds: 0 })).rejects.toThrow(/retentionSeconds/);
    });
  });
}
