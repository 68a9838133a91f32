import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { AmqpEventPublisher } from '../../events/amqp-event-publisher';
import { OutboxRelay } from '../../events/outbox-relay';
import type { OutboxRelayOptions } from '../../events/outbox-relay';
import { PostgresOutbox } from './postgres-outbox';

export interface EventRelayOptions extends Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'retryBaseMs' | 'retryMaxMs'> {
  /** PostgresStore.pool: connections whose search_path holds the migrated schema. */
  pool: Pool;
  /** From parseAmqpUrl (amqps://, or amqp:// to loopback). */
  amqpUrl: string;
  logger?: Logger;
  /** @default 'brandstack.events' */
  exchange?: string;
  /** amqplib socket options, e.g. `{ ca: [documentDbOrMqCaBundle] }`. */
  socketOptions?: Record<string, unknown>;
  /** @default 15000 */
  confirmTimeoutMs?: number;
}

export interface EventRelay {
  /**
   * The outbox this relay reads: hand it to the stores as their OutboxWriter, and call its
   * `committed()` after each commit that appended, so the relay publishes at once instead of at
   * its next poll.
   */
  readonly outbox: PostgresOutbox;
  /** Read the outbox now; not needed for correctness (NOTIFY on commit and polling wake it). */
  wake(): void;
  /** Events this relay has published and marked sent. */
  readonly sent: number;
  /** Stops after the batch in progress and closes the broker connection; unsent events stay in the outbox. */
  close(): Promise<void>;
}

/**
 * The production event relay: PostgreSQL outbox → RabbitMQ exchange `brandstack.events`.
 * Starts at once and does not wait for the broker: an unreachable broker is retried with backoff
 * while appends keep succeeding.
 */
export async function startEventRelay(options: EventRelayOptions): Promise<EventRelay> {
  const outbox = new PostgresOutbox(options.pool);
  const relay = new OutboxRelay({
    source: outbox,
    publisher: new AmqpEventPublisher({
      url: options.amqpUrl,
      exchange: options.exchange,
      logger: options.logger,
      socketOptions: options.socketOptions,
      confirmTimeoutMs: options.confirmTimeoutMs,
    }),
    logger: options.logger,
    batchSize: options.batchSize,
    pollIntervalMs: options.pollIntervalMs,
    retryBaseMs: options.retryBaseMs,
    retryMaxMs: options.retryMaxMs,
  });
  await relay.start();
  return {
    outbox,
    wake: () => relay.wake(),
    get sent() {
      return relay.sent;
    },
    close: () => relay.close(),
  };
}
