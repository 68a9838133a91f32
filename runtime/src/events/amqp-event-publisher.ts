import { connect } from 'amqplib';
import type { ChannelModel, ConfirmChannel, Options } from 'amqplib';
import type { Logger } from 'pino';
import { routingKey } from './event-envelope';
import type { EventEnvelope } from './event-envelope';
import { EventPublishFailed } from './event-errors';
import { encodeEvent } from './event-publisher';
import type { EventPublisher } from './event-publisher';

export const EVENTS_EXCHANGE = 'brandstack.events';

export interface AmqpEventPublisherOptions {
  /** amqps:// (or amqp:// to loopback): check it with parseAmqpUrl first. */
  url: string;
  /** @default 'brandstack.events' (tests use their own, so runs do not see each other's events) */
  exchange?: string;
  logger?: Logger;
  /** Socket options for amqplib (TLS CA bundle, timeouts). @default { timeout: 10000 } (connect timeout, ms) */
  socketOptions?: Record<string, unknown>;
  /**
   * How long a batch may wait for its confirms before it counts as failed (the connection is
   * then dropped and remade). @default 15000
   */
  confirmTimeoutMs?: number;
}

/**
 * Publishes to a durable topic exchange on a ConfirmChannel. `publish` resolves only after the
 * broker has confirmed every message of the batch; a nack, a lost connection or a timeout rejects
 * it with EventPublishFailed, and the next call connects anew. Messages are persistent
 * (delivery mode 2) with `messageId` = event id, so consumers can deduplicate.
 */
export class AmqpEventPublisher implements EventPublisher {
  readonly exchange: string;
  readonly #options: AmqpEventPublisherOptions;
  #connection: Promise<{ model: ChannelModel; channel: ConfirmChannel }> | undefined;
  #closed = false;

  constructor(options: AmqpEventPublisherOptions) {
    this.#options = options;
    this.exchange = options.exchange ?? EVENTS_EXCHANGE;
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (this.#closed) throw new EventPublishFailed('the event publisher is closed');
    if (events.length === 0) return;
    let channel: ConfirmChannel;
    try {
      ({ channel } = await this.#connect());
    } catch (error) {
      this.#connection = undefined;
      throw new EventPublishFailed(`cannot connect to the broker: ${describe(error)}`, { cause: error });
    }
    try {
      const confirms = events.map(
        (event) =>
          new Promise<void>((confirmed, failed) => {
            const options: Options.Publish = {
              persistent: true,
              messageId: event.id,
              contentType: 'application/json',
              timestamp: Math.floor(Date.parse(event.time) / 1000) || Math.floor(Date.now() / 1000),
              type: `${event.kind}.${event.action}`,
            };
            // The callback form reports this message's own ack or nack; a channel that closes
            // first calls it with an error (amqplib rejects every unconfirmed message on close).
            channel.publish(this.exchange, routingKey(event), encodeEvent(event), options, (error) => (error ? failed(error) : confirmed()));
          }),
      );
      await withTimeout(Promise.all(confirms), this.#options.confirmTimeoutMs ?? 15_000);
    } catch (error) {
      await this.#drop();
      throw new EventPublishFailed(`the broker did not confirm ${events.length} event(s): ${describe(error)}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#drop();
  }

  #connect(): Promise<{ model: ChannelModel; channel: ConfirmChannel }> {
    if (this.#connection) return this.#connection;
    const attempt: Promise<{ model: ChannelModel; channel: ConfirmChannel }> = (async () => {
      const forget = () => {
        if (this.#connection === attempt) this.#connection = undefined;
      };
      // A bounded connect: an unreachable broker must fail the batch (and be retried), not hang
      // the relay for the operating system's TCP timeout.
      const model = await connect(this.#options.url, { timeout: 10_000, ...this.#options.socketOptions });
      // A lost connection is noticed here and by the failing confirms; the next publish reconnects.
      model.on('error', (error: Error) => this.#options.logger?.warn({ err: describe(error) }, 'broker connection error'));
      model.on('close', forget);
      try {
        const channel = await model.createConfirmChannel();
        channel.on('error', (error: Error) => this.#options.logger?.warn({ err: describe(error) }, 'broker channel error'));
        channel.on('close', forget);
        await channel.assertExchange(this.exchange, 'topic', { durable: true });
        return { model, channel };
      } catch (error) {
        await model.close().catch(() => undefined);
        throw error;
      }
    })();
    this.#connection = attempt;
    return attempt;
  }

  async #drop(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (!connection) return;
    try {
      const { model } = await connection;
      await model.close();
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no confirm within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Error text without the URL (amqplib's connection errors can include it, with the password). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/amqps?:\/\/[^\s]*/g, 'amqp(s)://…');
}
