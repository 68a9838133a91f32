import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../sql/transaction';
import { AuditChainVerifier, chainAuditEvent, genesisHash } from '../../audit/audit-chain';
import type { AuditVerification, SequencedAuditEvent } from '../../audit/audit-chain';
import type { AuditEvent, UnchainedAuditEvent } from '../../audit/audit-event';
import { checkAuditQuery, decodeAuditCursor, encodeAuditCursor } from '../../audit/audit-store';
import type { AuditPage, AuditQuery, AuditStore } from '../../audit/audit-store';

const VERIFY_PAGE = 1000;

/**
 * The audit trail in PostgreSQL (migration 7): `audit_events`, one row per event with its
 * sequence in the tenant's chain, and `audit_heads`, one row per tenant holding the chain's end.
 * An append locks the tenant's head row (SELECT … FOR UPDATE) in the same transaction as the
 * insert, so concurrent appends of a tenant, on any replica, queue on that lock and never fork
 * the chain; other tenants' appends do not wait. The head also makes a deleted last event
 * visible to verify().
 */
export class PostgresAuditStore implements AuditStore<PoolClient> {
  readonly #pool: Pool;

  /** @param pool the PostgresStore's pool (PostgresStore.pool), whose search_path names the schema */
  constructor(pool: Pool) {
    this.#pool = pool;
  }

  /**
   * @param tx a client inside the caller's open transaction (BEGIN issued): the event commits or
   *   rolls back with the caller's change, and the head lock is held until then. Without it the
   *   append runs in a transaction of its own.
   */
  async append(event: UnchainedAuditEvent, tx?: PoolClient): Promise<SequencedAuditEvent> {
    if (tx) return appendIn(tx, event);
    return inTransaction(this.#pool, (db) => appendIn(db, event));
  }

  /**
   * Appends and, in the same statement, writes the event's outbox row (`outboxRow` builds it from
   * the chained record). For PostgresAuditJournal: one round trip fewer while the head is locked.
   */
  async appendWithOutbox(tx: PoolClient, event: UnchainedAuditEvent, outboxRow: (record: SequencedAuditEvent) => OutboxRow): Promise<SequencedAuditEvent> {
    return appendIn(tx, event, outboxRow);
  }

  async query(tenant: string, query: AuditQuery): Promise<AuditPage> {
    checkAuditQuery(query);
    const after = decodeAuditCursor(tenant, query.cursor);
    // One more row than asked tells whether another page follows.
    const { rows } = await this.#pool.query<EventRow>(
      `SELECT * FROM audit_events
        WHERE tenant_id = $1 AND sequence > $2 AND ($3::timestamptz IS NULL OR time >= $3) AND ($4::timestamptz IS NULL OR time < $4)
        ORDER BY sequence LIMIT $5`,
      [tenant, after, query.from ?? null, query.to ?? null, query.limit + 1],
    );
    const page = rows.slice(0, query.limit).map(recordFromRow);
    const last = page[page.length - 1];
    return { events: page.map((record) => record.event), next_cursor: rows.length > query.limit && last ? encodeAuditCursor(tenant, last.sequence) : null };
  }

  async verify(tenant: string): Promise<AuditVerification> {
    // One REPEATABLE READ snapshot: appends committed meanwhile neither appear half-way nor move the head.
    return inTransaction(this.#pool, async (db) => {
      await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const heads = await db.query<{ last_sequence: string; last_hash: string }>('SELECT last_sequence, last_hash FROM audit_heads WHERE tenant_id = $1', [tenant]);
      const verifier = new AuditChainVerifier(tenant);
      let after = 0;
      for (;;) {
        const { rows } = await db.query<EventRow>('SELECT * FROM audit_events WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3', [tenant, after, VERIFY_PAGE]);
        const records = rows.map(recordFromRow);
        if (!verifier.feed(records) || rows.length < VERIFY_PAGE) break;
        after = records[records.length - 1]!.sequence;
      }
      const head = heads.rows[0];
      // No head row: the tenant never appended, so any event found is a forgery.
      return verifier.finish(head ? { lastSequence: Number(head.last_sequence), lastHash: head.last_hash } : { lastSequence: 0, lastHash: genesisHash(tenant) });
    });
  }
}

/**
 * Two statements, the second only after the hash is known: the head lock is held from the first
 * until the caller's COMMIT, so every round trip inside it caps the tenant's append rate.
 */
async function appendIn(db: PoolClient, event: UnchainedAuditEvent, outboxRow?: (record: SequencedAuditEvent) => OutboxRow): Promise<SequencedAuditEvent> {
  // Creates the head if missing and locks it in one statement: the no-op update takes the row
  // lock (https://www.postgresql.org/docs/16/sql-insert.html#SQL-ON-CONFLICT), so concurrent
  // appends of the tenant queue here, and concurrent first appends meet on the primary key.
  const { rows } = await db.query<{ last_sequence: string; last_hash: string }>(
    `INSERT INTO audit_heads (tenant_id, last_sequence, last_hash) VALUES ($1, 0, $2)
     ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = audit_heads.last_sequence
     RETURNING last_sequence, last_hash`,
    [event.tenant, genesisHash(event.tenant)],
  );
  const head = rows[0]!;
  const sequence = Number(head.last_sequence) + 1;
  const chained = chainAuditEvent(event, head.last_hash);
  const record = { sequence, event: chained };
  const outbox = outboxRow?.(record);
  await db.query(
    `WITH event AS (
       INSERT INTO audit_events (tenant_id, sequence, id, time, actor_type, actor_id, actor_client_id, action, target_type, target_id, outcome, source_ip, request_id, previous_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     ), head AS (
       UPDATE audit_heads SET last_sequence = $2, last_hash = $15 WHERE tenant_id = $1
     )
     INSERT INTO event_outbox (id, kind, tenant, action, routing_key, occurred_at, payload)
     SELECT $16::uuid, 'audit', $1, $8, $17, $4, $18::jsonb WHERE $16::uuid IS NOT NULL`,
    [
      chained.tenant,
      sequence,
      chained.id,
      chained.time,
      chained.actor.type,
      chained.actor.id,
      chained.actor.client_id,
      chained.action,
      chained.target.type,
      chained.target.id,
      chained.outcome,
      chained.source_ip,
      chained.request_id,
      chained.previous_hash,
      chained.hash,
      outbox?.id ?? null,
      outbox?.routingKey ?? null,
      outbox === undefined ? null : JSON.stringify(outbox.payload),
    ],
  );
  return record;
}

/** The outbox row written in the same statement as the event (PostgresAuditJournal). */
export interface OutboxRow {
  id: string;
  routingKey: string;
  payload: Record<string, unknown>;
}

interface EventRow {
  tenant_id: string;
  sequence: string;
  id: string;
  time: Date;
  actor_type: AuditEvent['actor']['type'];
  actor_id: string | null;
  actor_client_id: string | null;
  action: string;
  target_type: AuditEvent['target']['type'];
  target_id: string | null;
  outcome: AuditEvent['outcome'];
  source_ip: string | null;
  request_id: string | null;
  previous_hash: string;
  hash: string;
}

function recordFromRow(row: EventRow): SequencedAuditEvent {
  return {
    sequence: Number(row.sequence),
    event: {
      id: row.id,
      // The builder writes millisecond ISO times, which timestamptz (microseconds) holds exactly.
      time: row.time.toISOString(),
      tenant: row.tenant_id,
      actor: { type: row.actor_type, id: row.actor_id, client_id: row.actor_client_id },
      action: row.action,
      target: { type: row.target_type, id: row.target_id },
      outcome: row.outcome,
      source_ip: row.source_ip,
      request_id: row.request_id,
      hash: row.hash,
      previous_hash: row.previous_hash,
    },
  };
}
