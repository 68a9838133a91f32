import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { EventEnvelope, EventKind } from '../../../runtime/src/events/event-envelope';
import { TEST_PG_URL } from '../helpers/postgres';

/** RabbitMQ on this machine (guest/guest); the tests fail, never skip, when it is down. */
export const TEST_AMQP_URL = process.env.BRANDSTACK_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export { TEST_PG_URL };

/** An exchange of the test's own, so parallel tests and reruns never see each other's events. */
export function uniqueExchange(): string {
  return `brandstack.events.test.${process.pid}.${randomBytes(4).toString('hex')}`;
}

export interface ReceivedMessage {
  routingKey: string;
  properties: ConsumeMessage['properties'];
  event: EventEnvelope;
}

/**
 * A consumer as the audit writer will be: a queue bound to the exchange with `audit.#` and
 * `security.#`, deduplicating by the AMQP messageId (at-least-once delivery makes duplicates
 * possible after a relay crash between confirm and mark).
 */
export class DedupingConsumer {
  /** Every message, duplicates included, in arrival order. */
  readonly messages: ReceivedMessage[] = [];
  /** First delivery of each event id. */
  readonly byId = new Map<string, ReceivedMessage>();
  duplicates = 0;
  readonly #model: ChannelModel;
  readonly #waiters = new Set<() => void>();

  private constructor(model: ChannelModel) {
    this.#model = model;
  }

  static async start(exchange: string, bindings: string[] = ['audit.#', 'security.#']): Promise<DedupingConsumer> {
    const model = await connect(TEST_AMQP_URL);
    const consumer = new DedupingConsumer(model);
    const channel = await model.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const binding of bindings) await channel.bindQueue(queue, exchange, binding);
    await channel.consume(queue, (message) => {
      if (!message) return;
      const received: ReceivedMessage = {
        routingKey: message.fields.routingKey,
        properties: message.properties,
        event: JSON.parse(message.content.toString('utf8')) as EventEnvelope,
      };
      consumer.messages.push(received);
      const id = String(message.properties.messageId);
      if (consumer.byId.has(id)) consumer.duplicates++;
      else consumer.byId.set(id, received);
      channel.ack(message);
      for (const waiter of consumer.#waiters) waiter();
    });
    return consumer;
  }

  /** Resolves when every id has arrived; rejects after `timeoutMs` naming how many are missing. */
  waitForAll(ids: readonly string[], timeoutMs = 30_000): Promise<void> {
    return new Promise((done, fail) => {
      const check = () => {
        if (ids.every((id) => this.byId.has(id))) {
          finish();
          done();
        }
      };
      const timer = setTimeout(() => {
        finish();
        fail(new Error(`${ids.filter((id) => !this.byId.has(id)).length} of ${ids.length} events did not arrive within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    await this.#model.close();
  }
}

let sequence = 0;
/** A fresh event; ids are random UUIDs as the producers make them. */
export function makeEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  sequence++;
  const kind: EventKind = overrides.kind ?? (sequence % 2 === 0 ? 'security' : 'audit');
  return {
    id: randomUUID(),
    kind,
    tenant: 'acme',
    action: kind === 'audit' ? 'client.created' : 'ip.blocked',
    time: new Date().toISOString(),
    payload: { n: sequence, actor: { type: 'client', id: 'admin-cli' } },
    ...overrides,
  };
}
