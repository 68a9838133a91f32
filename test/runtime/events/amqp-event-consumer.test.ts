/**
 * AmqpEventConsumer against the real RabbitMQ on 127.0.0.1:5672, each test with an exchange and
 * queues of its own (deleted afterwards). The broker cut uses the TCP proxy of the test harness.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { AmqpEventConsumer, decodeEnvelope, UnprocessableEvent } from '../../../runtime/src/events/amqp-event-consumer';
import type { AmqpEventConsumerOptions, ConsumedOutcome } from '../../../runtime/src/events/amqp-event-consumer';
import { AmqpEventPublisher } from '../../../runtime/src/events/amqp-event-publisher';
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import { createLogger } from '../../../runtime/src/support/logger';
import { TcpProxy } from '../helpers/tcp-proxy';
import { makeEvent, TEST_AMQP_URL, uniqueExchange } from './event-consumer';

const AMQP_PORT = Number(new URL(TEST_AMQP_URL).port || 5672);
const proxiedUrl = (proxy: TcpProxy) => TEST_AMQP_URL.replace(`:${AMQP_PORT}`, `:${proxy.port}`);

let exchange: string;
let queue: string;
let admin: ChannelModel;
let publisher: AmqpEventPublisher;
const cleanup: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  admin = await connect(TEST_AMQP_URL);
});
afterAll(async () => {
  await admin.close();
});

beforeEach(() => {
  exchange = uniqueExchange();
  queue = `brandstack.test-consumer.${process.pid}.${randomBytes(4).toString('hex')}`;
  publisher = new AmqpEventPublisher({ url: TEST_AMQP_URL, exchange });
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  await publisher.close();
  const channel = await admin.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteQueue(`${queue}.rejected`);
  await channel.deleteExchange(exchange);
  await channel.close();
});

/** A log sink: every line the consumer writes, as text. */
function capturedLogs(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(line) } });
  return { logger, text: () => lines.join('') };
}

function consumer(options: Partial<AmqpEventConsumerOptions> & Pick<AmqpEventConsumerOptions, 'handler'>): AmqpEventConsumer {
  const created = new AmqpEventConsumer({ url: TEST_AMQP_URL, exchange, queue, bindingKeys: ['audit.#'], retryBaseMs: 50, retryMaxMs: 400, ...options });
  cleanup.push(() => created.close());
  return created;
}

async function queueDepth(name: string): Promise<number> {
  const channel = await admin.createChannel();
  try {
    return (await channel.checkQueue(name)).messageCount;
  } finally {
    await channel.close();
  }
}

/** Publishes raw bytes to the exchange, as a publisher other than ours could. */
async function publishRaw(routingKey: string, body: Buffer, messageId?: string): Promise<void> {
  const channel = await admin.createConfirmChannel();
  channel.publish(exchange, routingKey, body, { persistent: true, messageId });
  await channel.waitForConfirms();
  await channel.close();
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const auditEvents = (n: number): EventEnvelope[] => Array.from({ length: n }, () => makeEvent({ kind: 'audit', action: 'client.created' }));

describe('AmqpEventConsumer', () => {
  it('declares a durable quorum queue bound by its keys, delivers only matching events, and acks each after its handler', async () => {
    const seen: EventEnvelope[] = [];
    const outcomes: ConsumedOutcome[] = [];
    const c = consumer({ handler: async (event) => void seen.push(event), onOutcome: (o) => outcomes.push(o) });
    await c.start();
    expect(c.connected).toBe(true);
    const audit = auditEvents(20);
    const security = makeEvent({ kind: 'security', action: 'ip.blocked' });
    await publisher.publish([...audit.slice(0, 10), security, ...audit.slice(10)]);
    await eventually(() => seen.length >= 20, 15_000, 'all audit events handled');
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(audit.map((e) => e.id)));
    expect(seen.find((e) => e.id === audit[3]!.id)).toEqual(audit[3]);
    await eventually(() => outcomes.length === 20);
    expect(outcomes.every((o) => o === 'handled')).toBe(true);
    await c.close();
    expect(await queueDepth(queue)).toBe(0);

    // The queue outlives the consumer (durable) and is of the quorum type: re-declaring it as classic fails.
    const channel = await admin.createChannel();
    channel.on('error', () => undefined);
    await expect(channel.assertQueue(queue, { durable: true })).rejects.toThrow(/PRECONDITION_FAILED|inequivalent arg 'x-queue-type'/);
  });

  it('requeues an event whose handler fails, waiting longer after each failure, and handles it once the handler recovers', async () => {
    const attempts: number[] = [];
    const outcomes: ConsumedOutcome[] = [];
    const c = consumer({
      retryBaseMs: 100,
      retryMaxMs: 2000,
      onOutcome: (o) => outcomes.push(o),
      handler: async () => {
        attempts.push(Date.now());
        if (attempts.length <= 3) throw new Error('store unavailable');
      },
    });
    await c.start();
    await publisher.publish(auditEvents(1));
    await eventually(() => outcomes.includes('handled'), 15_000, 'the event handled');
    expect(attempts).toHaveLength(4);
    expect(outcomes).toEqual(['failed', 'failed', 'failed', 'handled']);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    // 100, 200, 400 ms, less at most 20 % jitter: the loop backs off instead of spinning.
    expect(gaps[0]).toBeGreaterThanOrEqual(80);
    expect(gaps[1]).toBeGreaterThanOrEqual(160);
    expect(gaps[2]).toBeGreaterThanOrEqual(320);
    await c.close();
    expect(await queueDepth(queue)).toBe(0);
    expect(await queueDepth(`${queue}.rejected`)).toBe(0);
  });

  it('rejects what is not an envelope without requeue and without logging its content; the broker parks it in <queue>.rejected', async () => {
    const handled: string[] = [];
    const outcomes: ConsumedOutcome[] = [];
    const logs = capturedLogs();
    const c = consumer({ logger: logs.logger, handler: async (event) => void handled.push(event.id), onOutcome: (o) => outcomes.push(o) });
    await c.start();
    const good = makeEvent({ kind: 'audit' });
    const secret = 'jane.doe@example.com s3cr3t-password';
    await publishRaw('audit.acme.client.created', Buffer.from(`not json ${secret}`));
    await publishRaw('audit.acme.client.created', Buffer.from(JSON.stringify({ ...good, id: 'x', kind: 'gossip', payload: { secret } })));
    await publishRaw('audit.acme.client.created', Buffer.from(JSON.stringify({ ...makeEvent({ kind: 'audit' }), payload: { secret } })), 'another-id');
    await publisher.publish([good]);
    await eventually(() => outcomes.length === 4, 15_000, 'four outcomes');
    expect(handled).toEqual([good.id]);
    expect(outcomes.filter((o) => o === 'invalid')).toHaveLength(3);
    await eventually(async () => (await queueDepth(`${queue}.rejected`)) === 3, 5000, 'three dead letters');
    const text = logs.text();
    expect(text).toContain('rejected a message that is not an event envelope');
    expect(text).toContain('the body is not JSON');
    expect(text).toContain('kind is not one of audit, security');
    expect(text).toContain('the messageId property differs from id');
    expect(text).not.toContain('jane.doe');
    expect(text).not.toContain('s3cr3t');
  });

  it('dead-letters an event its handler finds unprocessable after one attempt', async () => {
    let calls = 0;
    const outcomes: ConsumedOutcome[] = [];
    const c = consumer({
      onOutcome: (o) => outcomes.push(o),
      handler: async () => {
        calls++;
        throw new UnprocessableEvent('the audit event conflicts with the stored chain');
      },
    });
    await c.start();
    await publisher.publish(auditEvents(1));
    await eventually(async () => (await queueDepth(`${queue}.rejected`)) === 1, 10_000, 'one dead letter');
    expect(calls).toBe(1);
    expect(outcomes).toEqual(['unprocessable']);
  });

  it('never has more handlers in flight than its prefetch', async () => {
    let inFlight = 0;
    let most = 0;
    let done = 0;
    const c = consumer({
      prefetch: 3,
      handler: async () => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight--;
        done++;
      },
    });
    await c.start();
    await publisher.publish(auditEvents(15));
    await eventually(() => done === 15, 15_000, 'fifteen handled');
    expect(most).toBe(3);
  });

  it('close() stops taking messages and lets the handlers in flight finish and ack', async () => {
    let started = 0;
    let finished = 0;
    const c = consumer({
      prefetch: 2,
      handler: async () => {
        started++;
        await new Promise((r) => setTimeout(r, 400));
        finished++;
      },
    });
    await c.start();
    await publisher.publish(auditEvents(6));
    await eventually(() => started === 2, 10_000, 'two handlers started');
    await c.close();
    expect(finished).toBe(2);
    expect(started).toBe(2);
    expect(c.connected).toBe(false);
    // The two in flight were acknowledged; the other four wait for the next consumer.
    let depth = -1;
    await eventually(async () => (depth = await queueDepth(queue)) === 4, 5000, `four left in the queue`).catch((e) => { throw new Error(`${e.message}: depth ${depth}`); });
  });

  it('loses nothing when the broker connection is cut mid-stream: it reconnects and every event is handled (duplicates allowed)', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: AMQP_PORT });
    cleanup.push(() => proxy.close());
    const handled = new Map<string, number>();
    const logs = capturedLogs();
    const c = consumer({
      url: proxiedUrl(proxy),
      prefetch: 10,
      logger: logs.logger,
      handler: async (event) => {
        await new Promise((r) => setTimeout(r, 2));
        handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
      },
    });
    await c.start();
    const events = auditEvents(300);
    await publisher.publish(events);
    await eventually(() => handled.size >= 40, 15_000, 'the first events handled');
    const connectionsBefore = proxy.connections;
    proxy.cut();
    await eventually(() => !c.connected, 5000, 'the loss noticed');
    // Unreachable for a while: reconnect attempts are refused, then the broker returns.
    await new Promise((r) => setTimeout(r, 600));
    expect(proxy.connections).toBeGreaterThan(connectionsBefore);
    proxy.restore();
    await eventually(() => events.every((e) => handled.has(e.id)), 30_000, 'every event handled after the reconnect');
    expect(c.connected).toBe(true);
    expect(handled.size).toBe(300);
    expect(logs.text()).toContain('broker connection lost; reconnecting');
    expect(logs.text()).toContain('reconnected to the broker');
    expect(logs.text()).not.toContain('guest:guest');
    await c.close();
    expect(await queueDepth(queue)).toBe(0);
  });

  it('started in the background, it keeps trying until the broker is reachable', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: AMQP_PORT });
    cleanup.push(() => proxy.close());
    proxy.cut();
    const seen: string[] = [];
    let urlReads = 0;
    const c = consumer({
      url: () => {
        urlReads++;
        return proxiedUrl(proxy);
      },
      handler: async (event) => void seen.push(event.id),
    });
    c.startInBackground();
    await eventually(() => urlReads >= 3, 10_000, 'three connection attempts');
    expect(c.connected).toBe(false);
    proxy.restore();
    await eventually(() => c.connected, 10_000, 'connected');
    const [event] = auditEvents(1);
    await publisher.publish([event!]);
    await eventually(() => seen.includes(event!.id), 10_000, 'the event handled');
  });

  it('refuses unusable options, naming them', () => {
    const base = { url: TEST_AMQP_URL, queue: 'q', bindingKeys: ['audit.#'], handler: async () => undefined };
    expect(() => new AmqpEventConsumer({ ...base, queue: 'amq.mine' })).toThrow(/'queue'/);
    expect(() => new AmqpEventConsumer({ ...base, bindingKeys: [] })).toThrow(/'bindingKeys'/);
    expect(() => new AmqpEventConsumer({ ...base, bindingKeys: ['audit..x'] })).toThrow(/binding key 'audit..x'/);
    expect(() => new AmqpEventConsumer({ ...base, prefetch: 0 })).toThrow(/'prefetch'/);
    expect(() => new AmqpEventConsumer({ ...base, deliveryLimit: 1.5 })).toThrow(/'deliveryLimit'/);
  });
});

describe('decodeEnvelope', () => {
  const message = (body: unknown, messageId?: string) => ({ content: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), properties: { messageId } as never });

  it('reads back what the publisher encodes', () => {
    const event = makeEvent({ kind: 'audit' });
    expect(decodeEnvelope(message(event, event.id))).toEqual(event);
    expect(decodeEnvelope(message(event))).toEqual(event);
  });

  it('names the member that is wrong, never its value', () => {
    const event = makeEvent({ kind: 'audit' });
    expect(decodeEnvelope(message('{'))).toBe('the body is not JSON');
    expect(decodeEnvelope(message([1]))).toBe('the body is not a JSON object');
    expect(decodeEnvelope(message({ ...event, tenant: 7 }))).toBe('tenant is not a string of 1-256 characters');
    expect(decodeEnvelope(message({ ...event, kind: 'x' }))).toBe('kind is not one of audit, security');
    expect(decodeEnvelope(message({ ...event, payload: 'x' }))).toBe('payload is not an object');
    expect(decodeEnvelope(message(event, 'other'))).toBe('the messageId property differs from id');
  });
});
