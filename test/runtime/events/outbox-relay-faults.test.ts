/**
 * Issue 13 item 9: the event backbone against the real PostgreSQL and RabbitMQ on 127.0.0.1,
 * with a TCP proxy in front of the broker that the tests cut and restore. The claims under test:
 * no event is lost (broker unreachable, relay killed mid-batch), appends keep succeeding while
 * the broker is away, and two relays on one outbox deliver everything, with any duplicate
 * dropped by a consumer deduplicating on messageId.
 */
import type { PoolClient } from 'pg';
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import { routingKey } from '../../../runtime/src/events/event-envelope';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { PostgresOutbox } from '../../../runtime/src/store/outbox/postgres-outbox';
import { startEventRelay } from '../../../runtime/src/store/outbox/start-event-relay';
import type { EventRelay } from '../../../runtime/src/store/outbox/start-event-relay';
import { querySchema, uniqueSchema } from '../helpers/postgres';
import { spawnEntrypoint } from '../helpers/processes';
import { TcpProxy } from '../helpers/tcp-proxy';
import { DedupingConsumer, makeEvent, TEST_AMQP_URL, TEST_PG_URL, uniqueExchange } from './event-consumer';

let pg: ReturnType<typeof uniqueSchema>;
let store: PostgresStore;
let outbox: PostgresOutbox;
let exchange: string;
let consumer: DedupingConsumer;
const cleanup: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  pg = uniqueSchema();
  store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 6 });
  outbox = new PostgresOutbox(store.pool);
  exchange = uniqueExchange();
  consumer = await DedupingConsumer.start(exchange);
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
  await consumer.close();
  await deleteExchange(exchange);
  await store.close();
  await pg.drop();
});

/** One transaction per call, as an admin call's change and its event would be. */
async function appendCommitted(events: EventEnvelope[]): Promise<void> {
  for (const event of events) await inTransaction((tx) => outbox.append(tx, [event]));
}

async function inTransaction(work: (tx: PoolClient) => Promise<void>, commit = true): Promise<void> {
  const tx = await store.pool.connect();
  try {
    await tx.query('BEGIN');
    await work(tx);
    await tx.query(commit ? 'COMMIT' : 'ROLLBACK');
  } finally {
    tx.release();
  }
}

async function unsentCount(): Promise<number> {
  const [row] = await querySchema<{ n: number }>(pg.schema, 'SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL');
  return row!.n;
}

/**
 * The unsent count once the relays have finished their batches: a consumer can receive a
 * batch before the relay's "sent" mark commits (the mark follows the confirm, by design).
 */
async function settledUnsentCount(timeoutMs = 5000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let n = await unsentCount();
  while (n > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    n = await unsentCount();
  }
  return n;
}

async function relayVia(url: string, options: { batchSize?: number; pollIntervalMs?: number } = {}): Promise<EventRelay> {
  const relay = await startEventRelay({ pool: store.pool, amqpUrl: url, exchange, pollIntervalMs: 200, retryBaseMs: 50, retryMaxMs: 500, confirmTimeoutMs: 3000, ...options });
  cleanup.push(() => relay.close());
  return relay;
}

async function deleteExchange(name: string): Promise<void> {
  const { connect } = await import('amqplib');
  const model = await connect(TEST_AMQP_URL);
  try {
    const channel = await model.createChannel();
    await channel.deleteExchange(name);
  } finally {
    await model.close();
  }
}

test('publishes each committed event once, persistent, with its id as messageId and <kind>.<tenant>.<action> as routing key', async () => {
  const relay = await relayVia(TEST_AMQP_URL, { pollIntervalMs: 60_000 });
  const events = [makeEvent({ kind: 'audit', action: 'client.created' }), makeEvent({ kind: 'security', tenant: 'globex', action: 'ip.blocked' })];
  await inTransaction((tx) => relay.outbox.append(tx, events));
  // committed() wakes the relay: with a one-minute poll, only the wake can deliver within the wait.
  relay.outbox.committed();
  await consumer.waitForAll(events.map((e) => e.id), 5000);
  for (const event of events) {
    const message = consumer.byId.get(event.id)!;
    expect(message.routingKey).toBe(routingKey(event));
    expect(message.properties).toMatchObject({ messageId: event.id, contentType: 'application/json', deliveryMode: 2 });
    expect(message.properties.timestamp).toBe(Math.floor(Date.parse(event.time) / 1000));
    expect(message.event).toEqual(event);
  }
  expect(consumer.duplicates).toBe(0);
  expect(await settledUnsentCount()).toBe(0);
});

test('an event appended in a rolled-back transaction is never published', async () => {
  await relayVia(TEST_AMQP_URL);
  const rolledBack = makeEvent();
  await inTransaction((tx) => outbox.append(tx, [rolledBack]), false);
  const committed = makeEvent();
  await appendCommitted([committed]);
  await consumer.waitForAll([committed.id]);
  // The relay reads in outbox order, so the rolled-back event would have come first.
  expect(consumer.byId.has(rolledBack.id)).toBe(false);
  expect(await querySchema(pg.schema, 'SELECT id FROM event_outbox WHERE id = $1', [rolledBack.id])).toEqual([]);
});

test('broker unreachable: appends keep succeeding, nothing is marked sent, and every event arrives after the broker returns', async () => {
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5672 });
  cleanup.push(() => proxy.close());
  const relay = await relayVia(`amqp://guest:guest@127.0.0.1:${proxy.port}`);

  const before = Array.from({ length: 10 }, () => makeEvent());
  await appendCommitted(before);
  await consumer.waitForAll(before.map((e) => e.id));
  // Cut only once their confirms are in: a cut between the broker's routing and its confirm
  // would (rightly) leave them unsent and publish them again, which is the duplicate case.
  expect(await settledUnsentCount()).toBe(0);

  proxy.cut();
  const connectionsAtCut = proxy.connections;
  const during = Array.from({ length: 40 }, () => makeEvent());
  await appendCommitted(during);
  // Long enough for several failed batches and reconnect attempts.
  await new Promise((r) => setTimeout(r, 1500));
  expect(proxy.connections).toBeGreaterThan(connectionsAtCut);
  expect(during.some((e) => consumer.byId.has(e.id))).toBe(false);
  expect(await unsentCount()).toBe(during.length);
  const attempts = await querySchema<{ attempts: number }>(pg.schema, 'SELECT max(attempts)::int AS attempts FROM event_outbox WHERE sent_at IS NULL');
  expect(attempts[0]!.attempts).toBeGreaterThan(0);

  proxy.restore();
  const after = Array.from({ length: 10 }, () => makeEvent());
  await appendCommitted(after);
  const all = [...before, ...during, ...after];
  await consumer.waitForAll(all.map((e) => e.id));
  expect(consumer.byId.size).toBe(all.length);
  // One relay, one channel, one queue: delivered in outbox order, each exactly once.
  expect(consumer.messages.map((m) => m.event.id)).toEqual(all.map((e) => e.id));
  expect(await settledUnsentCount()).toBe(0);
  expect(relay.sent).toBe(all.length);
});

test('relay killed with events in the outbox (SIGKILL mid-batch): a new relay delivers them all', async () => {
  const events = Array.from({ length: 3000 }, () => makeEvent());
  // One statement for speed here; appendCommitted's per-event transactions are covered above.
  await inTransaction((tx) => outbox.append(tx, events));

  const doomed = spawnEntrypoint('test/runtime/events/relay-process.ts', {
    PG_URL: TEST_PG_URL,
    PG_SCHEMA: pg.schema,
    AMQP_URL: TEST_AMQP_URL,
    EXCHANGE: exchange,
    BATCH_SIZE: '10',
  });
  cleanup.push(() => doomed.stop());
  await doomed.waitForLine((line) => /^sent [1-9]/.test(line), 30_000);
  doomed.child.kill('SIGKILL');
  await doomed.exited;

  const leftBehind = await unsentCount();
  expect(leftBehind).toBeGreaterThan(0);
  expect(leftBehind).toBeLessThan(events.length);

  await relayVia(TEST_AMQP_URL, { batchSize: 100 });
  await consumer.waitForAll(events.map((e) => e.id), 60_000);
  expect(consumer.byId.size).toBe(events.length);
  expect(await settledUnsentCount()).toBe(0);
  // A duplicate here can only be a batch confirmed by the broker whose "sent" mark died with
  // the killed process: at most one batch.
  expect(consumer.duplicates).toBeLessThanOrEqual(10);
});

test('two relays on one outbox: every event delivered, each batch taken by one relay (SKIP LOCKED), duplicates dropped by id', async () => {
  const first = await relayVia(TEST_AMQP_URL, { batchSize: 20 });
  const second = await relayVia(TEST_AMQP_URL, { batchSize: 20 });
  const events = Array.from({ length: 600 }, () => makeEvent());
  // Four writers at once, one transaction per event.
  const slices = [0, 1, 2, 3].map((k) => events.filter((_, i) => i % 4 === k));
  await Promise.all(slices.map((slice) => appendCommitted(slice)));
  await consumer.waitForAll(events.map((e) => e.id));
  // Let any late duplicate arrive before counting.
  await new Promise((r) => setTimeout(r, 500));
  expect(consumer.byId.size).toBe(events.length);
  // In the normal case (no crash) the row locks mean no event is published twice.
  expect(consumer.duplicates).toBe(0);
  expect(first.sent + second.sent).toBe(events.length);
  expect(first.sent).toBeGreaterThan(0);
  expect(second.sent).toBeGreaterThan(0);
  expect(await settledUnsentCount()).toBe(0);
});

test('purgeSent removes only events already sent before the given time', async () => {
  const relay = await relayVia(TEST_AMQP_URL);
  const sent = [makeEvent(), makeEvent()];
  await appendCommitted(sent);
  await consumer.waitForAll(sent.map((e) => e.id));
  expect(await settledUnsentCount()).toBe(0);
  await relay.close();
  const pending = makeEvent();
  await appendCommitted([pending]);

  expect(await outbox.purgeSent(new Date(Date.now() - 60_000))).toBe(0);
  expect(await outbox.purgeSent(new Date(Date.now() + 60_000))).toBe(2);
  const left = await querySchema<{ id: string }>(pg.schema, 'SELECT id FROM event_outbox');
  expect(left.map((r) => r.id)).toEqual([pending.id]);
});
