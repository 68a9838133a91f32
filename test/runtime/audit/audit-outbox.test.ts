import { auditEnvelope, auditRecordFromEnvelope } from '../../../runtime/src/audit/audit-envelope';
import { buildAuditEvent, opaqueId } from '../../../runtime/src/audit/audit-event';
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import { PostgresAuditStore } from '../../../runtime/src/store/audit/postgres-audit-store';
import { PostgresOutbox } from '../../../runtime/src/store/outbox/postgres-outbox';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { inTransaction } from '../../../runtime/src/store/sql/transaction';
import { TEST_PG_URL, querySchema, uniqueSchema } from '../helpers/postgres';

/** The wiring the lead will do: an audit event and its outbox message in the transaction of the change. */
describe('audit events through the outbox (PostgreSQL)', () => {
  const pg = uniqueSchema();
  let identity: PostgresStore;
  let audit: PostgresAuditStore;
  let outbox: PostgresOutbox;
  beforeAll(async () => {
    identity = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema });
    audit = new PostgresAuditStore(identity.pool);
    outbox = new PostgresOutbox(identity.pool);
  });
  afterAll(async () => {
    await identity.close();
    await pg.drop();
  });

  const event = (n: number) =>
    buildAuditEvent({ tenant: 'acme', actor: { type: 'client', id: opaqueId('acme-admin') }, action: 'client.disabled', target: { type: 'client', id: opaqueId(`client-${n}`) }, outcome: 'success', sourceIp: '192.0.2.9', requestId: `req-${n}` });

  it('writes neither when the change rolls back, and both when it commits; the message reads back as the stored event', async () => {
    await expect(
      inTransaction(identity.pool, async (tx) => {
        await outbox.append(tx, [auditEnvelope(await audit.append(event(1), tx))]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await querySchema(pg.schema, 'SELECT id FROM audit_events UNION ALL SELECT id::text FROM event_outbox')).toEqual([]);
    expect(await audit.verify('acme')).toEqual({ ok: true, events: 0 });

    const record = await inTransaction(identity.pool, async (tx) => {
      const stored = await audit.append(event(2), tx);
      await outbox.append(tx, [auditEnvelope(stored)]);
      return stored;
    });
    expect(record.sequence).toBe(1);
    const [row] = await querySchema<{ id: string; kind: string; tenant: string; action: string; routing_key: string; occurred_at: Date; payload: Record<string, unknown> }>(
      pg.schema,
      'SELECT id::text, kind, tenant, action, routing_key, occurred_at, payload FROM event_outbox',
    );
    expect(row!.routing_key).toBe('audit.acme.client.disabled');
    const consumed: EventEnvelope = { id: row!.id, kind: 'audit', tenant: row!.tenant, action: row!.action, time: row!.occurred_at.toISOString(), payload: row!.payload };
    expect(auditRecordFromEnvelope(consumed)).toEqual(record);
    expect(await audit.verify('acme')).toEqual({ ok: true, events: 1 });
  });
});
