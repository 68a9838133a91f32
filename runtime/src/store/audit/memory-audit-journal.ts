import { auditEnvelope } from '../../audit/audit-envelope';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import type { AuditJournal } from '../../audit/audit-journal';
import type { EventEnvelope } from '../../events/event-envelope';
import { MemoryOutbox } from '../outbox/memory-outbox';
import { MemoryAuditStore } from './memory-audit-store';

/**
 * The embedded journal (`npm start`): chain and outbox in memory. The embedded store mutates only
 * after validating, and appends the event right after the change without an await in between
 * that could fail, so the event exists exactly when the change does, as with PostgreSQL.
 */
export class MemoryAuditJournal implements AuditJournal {
  readonly trail = new MemoryAuditStore();
  readonly outbox = new MemoryOutbox();

  async record(event: UnchainedAuditEvent): Promise<void> {
    const record = await this.trail.append(event);
    await this.outbox.append(undefined, [auditEnvelope(record)]);
  }

  async emit(envelope: EventEnvelope): Promise<void> {
    await this.outbox.append(undefined, [envelope]);
  }

}
