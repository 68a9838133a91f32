import type { Logger } from 'pino';
import { auditRecordFromEnvelope } from '../audit/audit-envelope';
import { AuditTrailConflict, InvalidAuditEnvelope } from '../audit/audit-errors';
import type { AuditTrail } from '../audit/audit-trail';
import { AmqpEventConsumer, UnprocessableEvent } from '../events/amqp-event-consumer';
import type { EventEnvelope } from '../events/event-envelope';
import type { AuditWriterMetrics } from './audit-writer-metrics';

/** The audit writer's queue: every replica consumes from it (competing consumers), so each event is written once. */
export const AUDIT_WRITER_QUEUE = 'brandstack.audit-writer';
/** Every audit event of every tenant: routing keys are `audit.<tenant>.<action>`. */
export const AUDIT_BINDING_KEYS = ['audit.#'] as const;

export interface AuditWriterOptions {
  /** The broker URL, or a function reading it (AMQP_URL_FILE is re-read for each connection). */
  url: string | (() => string);
  /**
   * The trail, or a promise of it: a writer started before MongoDB answers holds its first
   * messages (at most the consumer's prefetch) until the trail is open.
   */
  trail: AuditTrail | Promise<AuditTrail>;
  metrics: AuditWriterMetrics;
  logger?: Logger;
  /** @default 'brandstack.events' */
  exchange?: string;
  /** @default AUDIT_WRITER_QUEUE */
  queue?: string;
  /** Socket options for amqplib (TLS CA bundle, timeouts). */
  socketOptions?: Record<string, unknown>;
  /** Backoff of a failed write (the message is requeued) and of reconnects. @default the consumer's (200 ms to 30 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/**
 * Issue 13 §6: consumes `audit.#` into the audit trail (MongoDB's `audit_trail` in production).
 * Each message is read back member by member (auditRecordFromEnvelope), so nothing but the
 * allow-listed event fields can reach the trail, and recorded idempotently by event id: a
 * redelivery is counted as a duplicate and acknowledged. A message that is not an audit event,
 * or that contradicts the stored chain, is parked in the rejected queue for an operator; a write
 * that fails (MongoDB unreachable) is retried with backoff, and nothing is acknowledged before
 * it is stored.
 */
export class AuditWriter {
  readonly consumer: AmqpEventConsumer;
  readonly #trail: Promise<AuditTrail>;
  readonly #metrics: AuditWriterMetrics;

  constructor(options: AuditWriterOptions) {
    this.#trail = Promise.resolve(options.trail);
    // A rejected trail promise is the caller's to report; the handler then fails and requeues.
    this.#trail.catch(() => undefined);
    this.#metrics = options.metrics;
    this.consumer = new AmqpEventConsumer({
      url: options.url,
      exchange: options.exchange,
      queue: options.queue ?? AUDIT_WRITER_QUEUE,
      bindingKeys: AUDIT_BINDING_KEYS,
      logger: options.logger,
      socketOptions: options.socketOptions,
      retryBaseMs: options.retryBaseMs,
      retryMaxMs: options.retryMaxMs,
      handler: (event) => this.#write(event),
      onOutcome: (outcome) => options.metrics.countConsumed(outcome),
    });
  }

  /** Connects in the background (retrying with backoff): readiness reports the broker meanwhile. */
  start(): void {
    this.consumer.startInBackground();
  }

  async close(): Promise<void> {
    await this.consumer.close();
  }

  async #write(envelope: EventEnvelope): Promise<void> {
    let record;
    try {
      record = auditRecordFromEnvelope(envelope);
    } catch (error) {
      if (!(error instanceof InvalidAuditEnvelope)) throw error;
      this.#metrics.invalid.inc({ reason: 'not_an_audit_event' });
      throw new UnprocessableEvent(`not an audit event: ${error.member} is refused`, { cause: error });
    }
    const trail = await this.#trail;
    let outcome: 'recorded' | 'duplicate';
    try {
      outcome = await trail.record(record);
    } catch (error) {
      if (!(error instanceof AuditTrailConflict)) throw error;
      // Another event holds this place in the tenant's chain: a forgery or a corrupted trail. Retrying cannot help.
      this.#metrics.invalid.inc({ reason: 'chain_conflict' });
      throw new UnprocessableEvent(`the audit event conflicts with the stored chain at sequence ${record.sequence}`, { cause: error });
    }
    if (outcome === 'recorded') this.#metrics.recorded.inc();
    else this.#metrics.duplicates.inc();
  }
}
