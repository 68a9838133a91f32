import type { Pool, PoolClient } from 'pg';
import { auditEnvelope } from '../../audit/audit-envelope';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import type { AuditJournal } from '../../audit/audit-journal';
import { routingKey } from '../../events/event-envelope';
import type { EventEnvelope } from '../../events/event-envelope';
import { PostgresOutbox } from '../outbox/postgres-outbox';
import { inTransaction } from '../sql/transaction';
import { PostgresAuditStore } from './postgres-audit-store';

/**
 * The PostgreSQL journal: PostgresAuditStore (the chain, migration 7) and PostgresOutbox
 * (migration 6) on the store's pool. `transaction()` is how every PostgreSQL store writes a
 * change: the change, its audit event and the event's outbox row commit together or not at all,
 * and the relay is woken after the commit.
 */
export class PostgresAuditJournal implements AuditJournal {
  readonly trail: PostgresAuditStore;
  readonly outbox: PostgresOutbox;
  readonly #pool: Pool;

  constructor(pool: Pool) {
    this.#pool = pool;
    this.trail = new PostgresAuditStore(pool);
    this.outbox = new PostgresOutbox(pool);
  }

  /** Runs `work` and, when given, appends `event` in the same transaction. */
  async transaction<T>(work: (db: PoolClient) => Promise<T>, event?: UnchainedAuditEvent): Promise<T> {
    const result = await inTransaction(this.#pool, async (db) => {
      const value = await work(db);
      if (event) await this.appendIn(db, event);
      return value;
    });
    if (event) this.outbox.committed();
    return result;
  }

  /** Appends `event` to the chain and the outbox inside the caller's open transaction. */
  async appendIn(db: PoolClient, event: UnchainedAuditEvent): Promise<void> {
    await this.trail.appendWithOutbox(db, event, (record) => {
      const envelope = auditEnvelope(record);
      return { id: envelope.id, routingKey: routingKey(envelope), payload: envelope.payload };
    });
  }

  async record(event: UnchainedAuditEvent): Promise<void> {
    await this.transaction(async () => undefined, event);
  }

  async emit(envelope: EventEnvelope): Promise<void> {
    await inTransaction(this.#pool, (db) => this.outbox.append(db, [envelope]));
    this.outbox.committed();
  }

}
