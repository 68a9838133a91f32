import { connect } from 'amqplib';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { RuntimeError } from '../errors/runtime-error';
import { EVENTS_EXCHANGE } from './amqp-event-publisher';
import type { EventEnvelope, EventKind } from './event-envelope';

/** What a handler learns about the delivery besides the event. */
export interface EventDelivery {
  routingKey: string;
  /** The broker has delivered this message before (to this or another consumer): a duplicate is likely. */
  redelivered: boolean;
}

export type EventConsumerHandler = (event: EventEnvelope, delivery: EventDelivery) => Promise<void>;

/**
 * A handler throws this when the event can never be handled (it is not one this consumer
 * understands, or it contradicts what is stored): the message is rejected without requeue, so
 * the broker dead-letters it to `<queue>.rejected` instead of redelivering it for ever. Any other
 * error counts as transient (a store that is down) and the message is requeued after a backoff.
 */
export class UnprocessableEvent extends RuntimeError {
  readonly code = 'unprocessable_event';
  readonly status = 500;
}

/** How one message ended, for the consumer's metrics. */
export type ConsumedOutcome = 'handled' | 'invalid' | 'unprocessable' | 'failed';

export interface AmqpEventConsumerOptions {
  /**
   * amqps:// (or amqp:// to loopback): check it with parseAmqpUrl first. A function is called
   * for each connection, so a URL read from AMQP_URL_FILE is re-read after the broker's
   * credentials change.
   */
  url: string | (() => string);
  /** The durable queue of this consumer: every replica of a service shares it (competing consumers). */
  queue: string;
  /** Topic binding keys, e.g. `audit.#`. At least one. */
  bindingKeys: readonly string[];
  handler: EventConsumerHandler;
  /** @default 'brandstack.events' (tests use their own) */
  exchange?: string;
  /**
   * Unacknowledged messages the broker may hand this consumer at once: the bound on handlers in
   * flight and on the messages a crash puts back in the queue. @default 32
   */
  prefetch?: number;
  /**
   * Deliveries of one message before the broker stops requeueing it and dead-letters it to
   * `<queue>.rejected` (the quorum queue's `x-delivery-limit`). With the retry backoff below this
   * is about an hour of failures in a row before a message is parked, where nothing is lost.
   * @default 200
   */
  deliveryLimit?: number;
  logger?: Logger;
  /** Socket options for amqplib (TLS CA bundle, timeouts). @default { timeout: 10000 } */
  socketOptions?: Record<string, unknown>;
  /** First wait before requeueing a message whose handler failed, and before reconnecting; doubles with each failure in a row. @default 200 */
  retryBaseMs?: number;
  /** The longest of those waits. @default 30000 */
  retryMaxMs?: number;
  /** Called once per message with how it ended. @default none */
  onOutcome?: (outcome: ConsumedOutcome) => void;
}

const KINDS: readonly EventKind[] = ['audit', 'security'];
/** Binding keys are dot-separated words of the routing-key alphabet, `*` and `#` (AMQP 0-9-1 topic exchange). */
const BINDING_KEY = /^(?:[A-Za-z0-9_-]+|\*|#)(?:\.(?:[A-Za-z0-9_-]+|\*|#))*$/;
/** AMQP 0-9-1 queue names: up to 255 bytes; `amq.` is reserved (https://www.rabbitmq.com/docs/queues#names). */
const QUEUE_NAME = /^(?!amq\.)[A-Za-z0-9._:-]{1,200}$/;

/**
 * Consumes envelopes from the durable topic exchange `brandstack.events` (AmqpEventPublisher's)
 * into a handler, at least once:
 *
 * - The queue is durable and of the quorum type. Amazon MQ for RabbitMQ recommends quorum queues
 *   over classic ones for durability: they are replicated with Raft across a cluster broker's three
 *   nodes, so a node lost or restarted during maintenance loses no message, where a classic
 *   queue lives on one node (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/quorum-queues.html;
 *   RabbitMQ 4 removed classic queue mirroring altogether, https://www.rabbitmq.com/docs/quorum-queues).
 *   They also count deliveries, which bounds a poison message (`deliveryLimit`).
 * - A message is acknowledged only after its handler resolved. A handler that throws has the
 *   message requeued after an exponential backoff, so a store outage or a poison message does not
 *   spin; a message that is not an envelope, or that the handler finds unprocessable, is rejected
 *   without requeue and dead-lettered to `<queue>.rejected`, and only its metadata is logged.
 * - A lost connection is remade with backoff; unacknowledged messages return to the queue and
 *   are delivered again (handlers deduplicate by event id). close() stops taking messages, lets
 *   the handlers in flight finish and acknowledge, then disconnects.
 */
export class AmqpEventConsumer {
  readonly exchange: string;
  readonly queue: string;
  /** The dead-letter queue of messages that were rejected or exceeded the delivery limit. */
  readonly rejectedQueue: string;
  readonly #options: AmqpEventConsumerOptions;
  readonly #prefetch: number;
  readonly #deliveryLimit: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #sleepers = new Set<() => void>();
  #current: { model: ChannelModel; channel: Channel; consumerTag: string } | undefined;
  #connecting: Promise<void> | undefined;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #connectFailures = 0;
  #handlerFailuresInARow = 0;
  #closing = false;
  #started = false;

  constructor(options: AmqpEventConsumerOptions) {
    this.exchange = options.exchange ?? EVENTS_EXCHANGE;
    if (!QUEUE_NAME.test(options.queue)) throw new RangeError(`AmqpEventConsumer: 'queue' must be 1-200 letters, digits and . _ : - not starting with amq. (got '${options.queue}')`);
    if (options.bindingKeys.length === 0) throw new RangeError("AmqpEventConsumer: 'bindingKeys' must list at least one binding key");
    for (const key of options.bindingKeys) {
      if (!BINDING_KEY.test(key)) throw new RangeError(`AmqpEventConsumer: binding key '${key}' is not dot-separated words, '*' or '#'`);
    }
    this.queue = options.queue;
    this.rejectedQueue = `${options.queue}.rejected`;
    this.#options = options;
    this.#prefetch = positiveInteger(options.prefetch ?? 32, 'prefetch');
    this.#deliveryLimit = positiveInteger(options.deliveryLimit ?? 200, 'deliveryLimit');
    this.#retryBaseMs = positiveInteger(options.retryBaseMs ?? 200, 'retryBaseMs');
    this.#retryMaxMs = positiveInteger(options.retryMaxMs ?? 30_000, 'retryMaxMs');
  }

  /** Whether a channel to the broker is open and consuming (the readiness check). */
  get connected(): boolean {
    return this.#current !== undefined;
  }

  /**
   * Connects, declares the exchange, the queue and its bindings, and starts consuming. Resolves
   * after the first connection; rejects if it fails (the caller decides whether to exit), and
   * from then on reconnects by itself.
   */
  async start(): Promise<void> {
    if (this.#started) throw new Error('AmqpEventConsumer: already started');
    this.#started = true;
    await this.#connect();
  }

  /**
   * Like start(), but a failed first connection is retried with backoff too: for a service whose
   * readiness probe reports the broker, and which should not exit when the broker is late.
   */
  startInBackground(): void {
    if (this.#started) throw new Error('AmqpEventConsumer: already started');
    this.#started = true;
    this.#connect().catch(() => this.#scheduleReconnect());
  }

  /** Stops consuming, waits for the handlers in flight (they ack or requeue), then disconnects. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    clearTimeout(this.#reconnectTimer);
    await this.#connecting?.catch(() => undefined);
    const current = this.#current;
    if (current) await current.channel.cancel(current.consumerTag).catch(() => undefined);
    // Handlers waiting to requeue stop waiting: the message goes back at once.
    for (const wake of this.#sleepers) wake();
    await Promise.allSettled([...this.#inFlight]);
    this.#current = undefined;
    if (!current) return;
    // The channel first: its CloseOk comes after the broker has taken the acks sent on it.
    await current.channel.close().catch(() => undefined);
    await current.model.close().catch(() => undefined);
  }

  #connect(): Promise<void> {
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #open(): Promise<void> {
    const url = typeof this.#options.url === 'function' ? this.#options.url() : this.#options.url;
    let model: ChannelModel;
    try {
      model = await connect(url, { timeout: 10_000, ...this.#options.socketOptions });
    } catch (error) {
      this.#connectFailures++;
      this.#options.logger?.warn({ err: describe(error), queue: this.queue }, 'cannot connect to the broker');
      throw new Error(`cannot connect to the broker: ${describe(error)}`);
    }
    // Listeners first: an 'error' event without one would crash the process.
    model.on('error', (error: Error) => this.#options.logger?.warn({ err: describe(error), queue: this.queue }, 'broker connection error'));
    model.on('close', (error?: Error) => this.#lost(model, error));
    try {
      const channel = await model.createChannel();
      channel.on('error', (error: Error) => this.#options.logger?.warn({ err: describe(error), queue: this.queue }, 'broker channel error'));
      // A channel closed by the broker (a precondition failed, the queue deleted) ends the connection too, so one path reconnects.
      channel.on('close', () => {
        if (!this.#closing) void model.close().catch(() => undefined);
      });
      await channel.prefetch(this.#prefetch);
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      await channel.assertQueue(this.rejectedQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      await channel.assertQueue(this.queue, {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-delivery-limit': this.#deliveryLimit,
          // The default exchange routes by queue name: dead letters go straight to the rejected queue.
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': this.rejectedQueue,
        },
      });
      for (const key of this.#options.bindingKeys) await channel.bindQueue(this.queue, this.exchange, key);
      if (this.#closing) {
        await model.close().catch(() => undefined);
        return;
      }
      const { consumerTag } = await channel.consume(this.queue, (message) => this.#receive(channel, message), { noAck: false });
      this.#current = { model, channel, consumerTag };
      this.#connectFailures = 0;
      this.#options.logger?.info({ queue: this.queue, exchange: this.exchange, bindingKeys: this.#options.bindingKeys }, 'consuming events');
    } catch (error) {
      this.#connectFailures++;
      await model.close().catch(() => undefined);
      this.#options.logger?.warn({ err: describe(error), queue: this.queue }, 'cannot set up the consumer');
      throw new Error(`cannot set up the consumer: ${describe(error)}`);
    }
  }

  #lost(model: ChannelModel, error?: Error): void {
    if (this.#current?.model !== model) return;
    this.#current = undefined;
    if (this.#closing) return;
    this.#options.logger?.warn({ err: error ? describe(error) : undefined, queue: this.queue }, 'broker connection lost; reconnecting');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closing) return;
    clearTimeout(this.#reconnectTimer);
    const delay = this.#backoff(Math.max(this.#connectFailures, 1));
    this.#reconnectTimer = setTimeout(() => {
      this.#connect().then(
        () => this.#options.logger?.info({ queue: this.queue }, 'reconnected to the broker'),
        () => this.#scheduleReconnect(),
      );
    }, delay);
  }

  /** Exponential, capped, with up to 20 % jitter so the replicas of a service do not reconnect in step. */
  #backoff(failures: number): number {
    const base = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(failures - 1, 20));
    return Math.round(base * (0.8 + Math.random() * 0.2));
  }

  #receive(channel: Channel, message: ConsumeMessage | null): void {
    // null: the broker cancelled the consumer (the queue was deleted); the channel-close path reconnects.
    if (message === null) {
      if (!this.#closing) void channel.close().catch(() => undefined);
      return;
    }
    const work = this.#handle(channel, message);
    this.#inFlight.add(work);
    void work.finally(() => this.#inFlight.delete(work));
  }

  async #handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    // Metadata only: the body may be anything a publisher sent.
    const about = { queue: this.queue, routingKey: message.fields.routingKey, messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId.slice(0, 64) : undefined, redelivered: message.fields.redelivered };
    const decoded = decodeEnvelope(message);
    if (typeof decoded === 'string') {
      this.#options.logger?.warn({ ...about, reason: decoded }, 'rejected a message that is not an event envelope');
      this.#settle(channel, message, 'reject');
      this.#options.onOutcome?.('invalid');
      return;
    }
    try {
      await this.#options.handler(decoded, { routingKey: message.fields.routingKey, redelivered: message.fields.redelivered });
    } catch (error) {
      if (error instanceof UnprocessableEvent) {
        this.#options.logger?.warn({ ...about, reason: error.description }, 'rejected an event its handler cannot process');
        this.#settle(channel, message, 'reject');
        this.#options.onOutcome?.('unprocessable');
        return;
      }
      this.#handlerFailuresInARow++;
      const delay = this.#backoff(this.#handlerFailuresInARow);
      this.#options.logger?.warn({ ...about, err: describe(error), requeueInMs: delay }, 'event handler failed; the message goes back to the queue');
      this.#options.onOutcome?.('failed');
      await this.#sleep(delay);
      this.#settle(channel, message, 'requeue');
      return;
    }
    this.#handlerFailuresInARow = 0;
    this.#settle(channel, message, 'ack');
    this.#options.onOutcome?.('handled');
  }

  /** A channel that closed meanwhile cannot settle; the broker has already put the message back. */
  #settle(channel: Channel, message: ConsumeMessage, how: 'ack' | 'reject' | 'requeue'): void {
    try {
      if (how === 'ack') channel.ack(message);
      else channel.nack(message, false, how === 'requeue');
    } catch {
      // The channel is closed: the message is redelivered after the reconnect.
    }
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return new Promise((done) => {
      const wake = () => {
        clearTimeout(timer);
        this.#sleepers.delete(wake);
        done();
      };
      const timer = setTimeout(wake, ms);
      this.#sleepers.add(wake);
    });
  }
}

/**
 * The envelope in a message body (encodeEvent's JSON), or why it is not one. The reason names a
 * member, never a value: the log line must not carry what a publisher put in the body.
 */
export function decodeEnvelope(message: Pick<ConsumeMessage, 'content' | 'properties'>): EventEnvelope | string {
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body is not a JSON object';
  const envelope = body as Record<string, unknown>;
  for (const member of ['id', 'tenant', 'action', 'time'] as const) {
    const value = envelope[member];
    if (typeof value !== 'string' || value.length === 0 || value.length > 256) return `${member} is not a string of 1-256 characters`;
  }
  if (!KINDS.includes(envelope['kind'] as EventKind)) return `kind is not one of ${KINDS.join(', ')}`;
  const payload = envelope['payload'];
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'payload is not an object';
  // The publisher sets messageId to the event id (AmqpEventPublisher); a message whose two ids differ was not published by it.
  const messageId = message.properties.messageId as unknown;
  if (messageId !== undefined && messageId !== envelope['id']) return 'the messageId property differs from id';
  return { id: envelope['id'] as string, kind: envelope['kind'] as EventKind, tenant: envelope['tenant'] as string, action: envelope['action'] as string, time: envelope['time'] as string, payload: payload as Record<string, unknown> };
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`AmqpEventConsumer: '${name}' must be a positive integer (got ${value})`);
  return value;
}

/** Error text without the URL (amqplib's connection errors can include it, with the password). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/amqps?:\/\/[^\s]*/g, 'amqp(s)://…');
}
