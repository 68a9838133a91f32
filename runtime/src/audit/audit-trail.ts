import type { AuditVerification, SequencedAuditEvent } from './audit-chain';
import type { AuditPage, AuditQuery } from './audit-store';

/**
 * The audit trail's read side (issue 13 §6): the MongoDB (DocumentDB) collection `audit_trail`
 * that the audit writer fills from `audit.#` messages, and that the audit API reads in
 * production. RabbitMQ delivers at least once and in no guaranteed order, so record() is
 * idempotent by event id and the order comes from each event's sequence in its tenant's chain,
 * which the outbox payload carries.
 *
 * Retention is a TTL on `time`, so a tenant's oldest events disappear on purpose: verify()
 * checks the chain from the oldest retained event on, taking that event's previous_hash on
 * trust, and cannot see events missing after the newest one (no head here). The PostgreSQL
 * store, which keeps the head and everything from genesis, is the one to verify for a full proof.
 */
export interface AuditTrail {
  /** 'duplicate' when an event with this id is already recorded (a redelivery); nothing changes then. */
  record(record: SequencedAuditEvent): Promise<'recorded' | 'duplicate'>;
  query(tenant: string, query: AuditQuery): Promise<AuditPage>;
  verify(tenant: string): Promise<AuditVerification>;
}
