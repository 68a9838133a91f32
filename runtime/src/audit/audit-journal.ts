import type { EventEnvelope } from '../events/event-envelope';
import type { OutboxSource } from '../events/outbox-source';
import type { AuditStore } from './audit-store';
import type { UnchainedAuditEvent } from './audit-event';

/**
 * Where a store writes the audit events of the changes it makes (issue 13 §4, §5). Each
 * IdentityStore owns one: a change method given an event appends it to the tenant's hash chain
 * and the event outbox in the change's own transaction, so the event exists exactly when the
 * change does. The methods here are for what changes nothing in the store: a read, a denial, a
 * failed attempt, a security event.
 */
export interface AuditJournal {
  /** The chain of record: what the audit API reads unless a read side (MongoDB) is configured. */
  readonly trail: AuditStore;
  /** The outbox the event relay publishes from. */
  readonly outbox: OutboxSource;
  /** Appends one event, with its outbox row, in a transaction of its own. */
  record(event: UnchainedAuditEvent): Promise<void>;
  /** Puts one non-audit event (kind `security`) in the outbox, in a transaction of its own. */
  emit(envelope: EventEnvelope): Promise<void>;
}
