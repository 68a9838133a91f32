import { auditEventHash, genesisHash } from '../../../runtime/src/audit/audit-chain';
import { InvalidAuditQuery } from '../../../runtime/src/audit/audit-errors';
import { buildAuditEvent, opaqueId } from '../../../runtime/src/audit/audit-event';
import type { AuditOutcome, UnchainedAuditEvent } from '../../../runtime/src/audit/audit-event';
import type { AuditStore } from '../../../runtime/src/audit/audit-store';
import { MemoryAuditStore } from '../../../runtime/src/store/audit/memory-audit-store';
import { PostgresAuditStore } from '../../../runtime/src/store/audit/postgres-audit-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { TEST_PG_URL, querySchema, uniqueSchema } from '../helpers/postgres';

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0, 0);

function event(tenant: string, n: number, outcome: AuditOutcome = 'success'): UnchainedAuditEvent {
  return buildAuditEvent(
    { tenant, actor: { type: 'client', id: opaqueId('acme-admin') }, action: 'client.created', target: { type: 'client', id: opaqueId(`client-${n}`) }, outcome, sourceIp: '192.0.2.1', requestId: `req-${n}` },
    { now: () => T0 + n * 1000 },
  );
}

interface Fixture {
  store: AuditStore;
  close(): Promise<void>;
}

const fixtures: Record<string, () => Promise<Fixture>> = {
  memory: async () => ({ store: new MemoryAuditStore(), close: async () => undefined }),
  postgres: async () => {
    const schema = uniqueSchema();
    const identity = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: schema.schema });
    return {
      store: new PostgresAuditStore(identity.pool),
      close: async () => {
        await identity.close();
        await schema.drop();
      },
    };
  },
};

describe.each(Object.keys(fixtures))('AuditStore contract: %s', (kind) => {
  let fixture: Fixture;
  beforeEach(async () => {
    fixture = await fixtures[kind]!();
  });
  afterEach(async () => fixture.close());

  it('chains each tenant separately, from its genesis value, with sequence numbers from 1', async () => {
    const a1 = await fixture.store.append(event('acme', 1));
    const b1 = await fixture.store.append(event('globex', 2));
    const a2 = await fixture.store.append(event('acme', 3));
    expect([a1.sequence, b1.sequence, a2.sequence]).toEqual([1, 1, 2]);
    expect(a1.event.previous_hash).toBe(genesisHash('acme'));
    expect(b1.event.previous_hash).toBe(genesisHash('globex'));
    expect(a2.event.previous_hash).toBe(a1.event.hash);
    expect(await fixture.store.verify('acme')).toEqual({ ok: true, events: 2 });
    expect(await fixture.store.verify('globex')).toEqual({ ok: true, events: 1 });
    expect(await fixture.store.verify('nobody')).toEqual({ ok: true, events: 0 });
  });

  it('returns the stored events as appended, in chain order, paged by an opaque cursor', async () => {
    const appended = [];
    for (let n = 1; n <= 7; n += 1) appended.push((await fixture.store.append(event('acme', n))).event);
    await fixture.store.append(event('globex', 99));
    const seen = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await fixture.store.query('acme', { limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.events);
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(appended);
  });

  it('filters by time, from inclusive and to exclusive, and pages within the filter', async () => {
    for (let n = 1; n <= 6; n += 1) await fixture.store.append(event('acme', n));
    const first = await fixture.store.query('acme', { from: new Date(T0 + 2000), to: new Date(T0 + 5000), limit: 2 });
    expect(first.events.map((e) => e.request_id)).toEqual(['req-2', 'req-3']);
    const second = await fixture.store.query('acme', { from: new Date(T0 + 2000), to: new Date(T0 + 5000), limit: 2, cursor: first.next_cursor! });
    expect(second.events.map((e) => e.request_id)).toEqual(['req-4']);
    expect(second.next_cursor).toBeNull();
  });

  it('refuses another tenant’s cursor, a garbled cursor, a bad limit and an empty range, naming each', async () => {
    for (let n = 1; n <= 3; n += 1) await fixture.store.append(event('acme', n));
    const { next_cursor: acmeCursor } = await fixture.store.query('acme', { limit: 1 });
    const refused = async (query: Parameters<AuditStore['query']>[1], tenant = 'acme') => {
      const error = await fixture.store.query(tenant, query).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidAuditQuery);
      return (error as InvalidAuditQuery).parameter;
    };
    expect(await refused({ limit: 1, cursor: acmeCursor! }, 'globex')).toBe('cursor');
    expect(await refused({ limit: 1, cursor: 'not-a-cursor' })).toBe('cursor');
    expect(await refused({ limit: 0 })).toBe('limit');
    expect(await refused({ limit: 501 })).toBe('limit');
    expect(await refused({ limit: 1, from: new Date(T0 + 5000), to: new Date(T0) })).toBe('from');
  });

  it('never forks the chain under concurrent appends of one tenant', async () => {
    const records = await Promise.all(Array.from({ length: 40 }, (_, n) => fixture.store.append(event('acme', n))));
    expect(records.map((r) => r.sequence).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, n) => n + 1));
    expect(new Set(records.map((r) => r.event.previous_hash)).size).toBe(40);
    expect(await fixture.store.verify('acme')).toEqual({ ok: true, events: 40 });
  });
});

describe('PostgresAuditStore: tampering in the database', () => {
  let schema: ReturnType<typeof uniqueSchema>;
  let identity: PostgresStore;
  let store: PostgresAuditStore;
  let ids: string[];
  beforeEach(async () => {
    schema = uniqueSchema();
    identity = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: schema.schema });
    store = new PostgresAuditStore(identity.pool);
    ids = [];
    for (let n = 1; n <= 5; n += 1) ids.push((await store.append(event('acme', n))).event.id);
    await store.append(event('globex', 9));
  });
  afterEach(async () => {
    await identity.close();
    await schema.drop();
  });
  const sql = (text: string) => querySchema(schema.schema, text);

  it('names the event whose field was changed', async () => {
    await sql(`UPDATE audit_events SET outcome = 'denied' WHERE tenant_id = 'acme' AND sequence = 3`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 3, id: ids[2] }, reason: 'hash_mismatch' });
    expect(await store.verify('globex')).toEqual({ ok: true, events: 1 });
  });

  it('names the first of several changed events', async () => {
    await sql(`UPDATE audit_events SET actor_id = 'someone-else' WHERE tenant_id = 'acme' AND sequence IN (2, 4)`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: ids[1] }, reason: 'hash_mismatch' });
  });

  it('names the next link when the tamperer also recomputes the changed event’s hash', async () => {
    const [original] = (await store.query('acme', { limit: 2 })).events.slice(1);
    const forged = { ...original!, outcome: 'failed' as const };
    await querySchema(schema.schema, `UPDATE audit_events SET outcome = 'failed', hash = $1 WHERE tenant_id = 'acme' AND sequence = 2`, [auditEventHash(forged)]);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 3, id: ids[2] }, reason: 'previous_hash_mismatch' });
  });

  it('names the missing event when a row is deleted, and the end when the last one is', async () => {
    await sql(`DELETE FROM audit_events WHERE tenant_id = 'acme' AND sequence = 5`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 5, id: null }, reason: 'missing_event' });
    await sql(`DELETE FROM audit_events WHERE tenant_id = 'acme' AND sequence = 2`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: null }, reason: 'missing_event' });
  });

  it('names the link after a deleted row whose successors were renumbered to hide the gap', async () => {
    await sql(`DELETE FROM audit_events WHERE tenant_id = 'acme' AND sequence = 2`);
    await sql(`UPDATE audit_events SET sequence = sequence - 1 WHERE tenant_id = 'acme' AND sequence > 2`);
    await sql(`UPDATE audit_heads SET last_sequence = 4 WHERE tenant_id = 'acme'`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: ids[2] }, reason: 'previous_hash_mismatch' });
  });

  it('names a reordering of two events', async () => {
    // The primary key is not deferrable: swap through a free number.
    await sql(`UPDATE audit_events SET sequence = 1000 WHERE tenant_id = 'acme' AND sequence = 3`);
    await sql(`UPDATE audit_events SET sequence = 3 WHERE tenant_id = 'acme' AND sequence = 4`);
    await sql(`UPDATE audit_events SET sequence = 4 WHERE tenant_id = 'acme' AND sequence = 1000`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 3, id: ids[3] }, reason: 'previous_hash_mismatch' });
  });

  it('serialises appends from separate connections on the head row lock, inside callers’ transactions', async () => {
    const writers = await Promise.all(Array.from({ length: 8 }, () => identity.pool.connect()));
    try {
      await Promise.all(writers.map((db) => db.query('BEGIN')));
      const appended = writers.map((db, n) => store.append(event('acme', 100 + n), db));
      // Each writer commits after its append returned; the others wait on the head lock meanwhile.
      await Promise.all(appended.map(async (pending, n) => { await pending; await writers[n]!.query('COMMIT'); }));
      // A rolled-back append leaves no event and no trace in the head.
      const rolledBack = writers[0]!;
      await rolledBack.query('BEGIN');
      await store.append(event('acme', 200), rolledBack);
      await rolledBack.query('ROLLBACK');
    } finally {
      writers.forEach((db) => db.release());
    }
    expect(await store.verify('acme')).toEqual({ ok: true, events: 13 });
    const rows = await sql(`SELECT count(DISTINCT previous_hash)::int AS links, max(sequence)::int AS last FROM audit_events WHERE tenant_id = 'acme'`);
    expect(rows[0]).toEqual({ links: 13, last: 13 });
  });

  it('verifies chains longer than one verification page', async () => {
    for (let batch = 0; batch < 11; batch += 1) await Promise.all(Array.from({ length: 100 }, (_, n) => store.append(event('acme', 1000 + batch * 100 + n))));
    expect(await store.verify('acme')).toEqual({ ok: true, events: 1105 });
    await sql(`UPDATE audit_events SET target_id = 'x' WHERE tenant_id = 'acme' AND sequence = 1050`);
    expect(await store.verify('acme')).toMatchObject({ ok: false, brokenAt: { sequence: 1050 }, reason: 'hash_mismatch' });
  });
});
