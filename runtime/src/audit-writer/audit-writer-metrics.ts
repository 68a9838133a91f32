import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { ConsumedOutcome } from '../events/amqp-event-consumer';

/** Why an audit message was parked instead of recorded: bounded values only. */
export type AuditInvalidReason = 'not_an_envelope' | 'not_an_audit_event' | 'chain_conflict';

/**
 * The audit writer's Prometheus metrics, in a registry of its own (several writers in one test
 * process never share counters). Labels carry bounded values only, never a tenant or an event id.
 */
export class AuditWriterMetrics {
  readonly registry = new Registry();

  /** Every message taken from the queue, by how it ended (a requeued one counts each time). */
  readonly consumed = new Counter({
    name: 'brandstack_audit_writer_messages_total',
    help: 'Messages consumed from the audit queue, by outcome: handled (recorded or duplicate), invalid, unprocessable (parked), failed (requeued).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly recorded = new Counter({
    name: 'brandstack_audit_events_recorded_total',
    help: 'Audit events written to the audit trail for the first time.',
    registers: [this.registry],
  });

  readonly duplicates = new Counter({
    name: 'brandstack_audit_events_duplicate_total',
    help: 'Audit events already in the trail (redeliveries), dropped by their id.',
    registers: [this.registry],
  });

  readonly invalid = new Counter({
    name: 'brandstack_audit_events_invalid_total',
    help: 'Messages parked in the rejected queue instead of recorded, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  countConsumed(outcome: ConsumedOutcome): void {
    this.consumed.inc({ outcome });
    // The consumer itself refuses what is not an envelope; the writer counts the rest.
    if (outcome === 'invalid') this.invalid.inc({ reason: 'not_an_envelope' });
  }
}
