import type { Logger } from 'pino';
import { AmqpEventConsumer, UnprocessableEvent } from '../events/amqp-event-consumer';
import type { EventEnvelope } from '../events/event-envelope';
import { InvalidSecurityEnvelope, securityEventFromEnvelope } from './security-envelope';
import type { SecurityNotifier } from './security-notifier';

/** The notifier's queue: the runtime's replicas share it (competing consumers), so one of them notifies per event. */
export const SECURITY_NOTIFIER_QUEUE = 'brandstack.security-notifier';
/** Every security event of every tenant: routing keys are `security.<tenant>.<action>`. */
export const SECURITY_BINDING_KEYS = ['security.#'] as const;
/** Event ids remembered for deduplication: a redelivery comes within the prefetch window of a reconnect, far fewer than this. */
export const DEFAULT_REMEMBERED_IDS = 10_000;

export interface SecurityNotificationsOptions {
  /** The broker URL (parseAmqpUrl), or a function reading it (AMQP_URL_FILE is re-read on each connection). */
  url: string | (() => string);
  /** SNS in production (createSecurityNotifier), the log for `npm start`. */
  notifier: SecurityNotifier;
  logger?: Logger;
  /** Socket options for amqplib (TLS CA bundle, timeouts). */
  socketOptions?: Record<string, unknown>;
  /** @default 'brandstack.events' (tests use their own) */
  exchange?: string;
  /** @default SECURITY_NOTIFIER_QUEUE (tests use their own) */
  queue?: string;
  /** How many delivered event ids are remembered to drop redeliveries; the oldest are forgotten first. @default 10000 */
  rememberedIds?: number;
  /** Backoff of a failed notification (requeued) and of reconnects. @default the consumer's (200 ms to 30 s) */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface SecurityNotifications {
  readonly consumer: AmqpEventConsumer;
  close(): Promise<void>;
}

/**
 * Issue 13 §7: the consumer that delivers `security.*` events (an IP blocked after failed
 * sign-ins) to the brand's security SNS topic. The runtime calls this when AMQP is configured.
 *
 * RabbitMQ delivers at least once, so an event can come twice (a lost connection before the ack,
 * a relay that published a batch again); an e-mail to the security contact should not. Each
 * replica remembers the ids it has notified (bounded, oldest forgotten first) and acknowledges a
 * redelivery without notifying again. Two replicas can still each see one copy after a reconnect:
 * dropping those would need shared state for a rare, harmless second e-mail.
 * A message that is not a security event this runtime understands is parked in the rejected queue.
 * It connects in the background, retrying with backoff: a broker outage delays notifications and
 * never stops the runtime.
 */
export function startSecurityNotifications(options: SecurityNotificationsOptions): SecurityNotifications {
  const delivered = new RecentIds(options.rememberedIds ?? DEFAULT_REMEMBERED_IDS);
  const handler = async (envelope: EventEnvelope): Promise<void> => {
    if (delivered.has(envelope.id)) {
      options.logger?.info({ event_id: envelope.id }, 'security event already notified; redelivery dropped');
      return;
    }
    let event;
    try {
      event = securityEventFromEnvelope(envelope);
    } catch (error) {
      if (!(error instanceof InvalidSecurityEnvelope)) throw error;
      throw new UnprocessableEvent(`not a security event: ${error.member} is refused`, { cause: error });
    }
    await options.notifier.notify(event);
    delivered.add(envelope.id);
  };
  const consumer = new AmqpEventConsumer({
    url: options.url,
    exchange: options.exchange,
    queue: options.queue ?? SECURITY_NOTIFIER_QUEUE,
    bindingKeys: SECURITY_BINDING_KEYS,
    handler,
    logger: options.logger,
    socketOptions: options.socketOptions,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
    // Few events and one slow call each (SNS Publish): a small window bounds what waits behind it.
    prefetch: 8,
  });
  consumer.startInBackground();
  return { consumer, close: () => consumer.close() };
}

/** A bounded set of ids in insertion order: past `limit`, the oldest is forgotten. */
export class RecentIds {
  readonly #ids = new Set<string>();
  readonly #limit: number;

  constructor(limit: number) {
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new RangeError(`RecentIds: 'limit' must be a positive integer (got ${limit})`);
    this.#limit = limit;
  }

  get size(): number {
    return this.#ids.size;
  }

  has(id: string): boolean {
    return this.#ids.has(id);
  }

  add(id: string): void {
    this.#ids.delete(id);
    this.#ids.add(id);
    if (this.#ids.size > this.#limit) this.#ids.delete(this.#ids.values().next().value as string);
  }
}
