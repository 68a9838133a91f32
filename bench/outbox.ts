/**
 * `npm run bench:outbox`: audit-event throughput of the event backbone, from an append (one
 * PostgreSQL transaction per event, as an admin call makes) to the RabbitMQ publisher confirm and
 * the "sent" mark, with the outbox relay in one process pinned to one core. Next to it, measured
 * in the same run on the same core: raw amqplib ConfirmChannel publishes of the same messages in
 * the same batch size (the relay's ceiling on this broker), and the relay alone draining a
 * pre-filled outbox (its own ceiling, without the appends competing for PostgreSQL).
 *
 * Layout on the 2-core machine: relay (and the raw baseline) on core 1; appenders on core 0;
 * PostgreSQL and RabbitMQ on whatever the scheduler gives them (they share both cores).
 * Needs PostgreSQL and RabbitMQ on 127.0.0.1 (BRANDSTACK_TEST_PG_URL, BRANDSTACK_TEST_AMQP_URL).
 * The run makes its own schema, exchange and queue and removes them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'amqplib';
import { Client, Pool } from 'pg';
import { routingKey } from '../runtime/src/events/event-envelope';
import type { EventEnvelope } from '../runtime/src/events/event-envelope';
import { encodeEvent } from '../runtime/src/events/event-publisher';
import { PostgresOutbox } from '../runtime/src/store/outbox/postgres-outbox';
import { startEventRelay } from '../runtime/src/store/outbox/start-event-relay';
import { PostgresStore } from '../runtime/src/store/postgres/postgres-store';
import { cpuSeconds, firstLine, hasTaskset, runToJson, spawnNode } from './lib/processes';

const PG_URL = process.env.BRANDSTACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.BRANDSTACK_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
/** The relay's batch size (its default); BENCH_OUTBOX_BATCH to try others. */
const BATCH = Number(process.env.BENCH_OUTBOX_BATCH ?? 100);
const END_TO_END_EVENTS = 10_000;
const DRAIN_EVENTS = 20_000;
const RAW_EVENTS = 20_000;
const APPENDERS = 16;

/** An audit event of the size the admin API will produce (allow-listed fields, no PII). */
function auditEvent(): EventEnvelope {
  const id = randomUUID();
  const time = new Date().toISOString();
  return {
    id,
    kind: 'audit',
    tenant: 'acme',
    action: 'client.created',
    time,
    payload: {
      id,
      time,
      tenant: 'acme',
      actor: { type: 'client', id: 'platform-admin', client_id: 'platform-admin' },
      action: 'client.created',
      target: { type: 'client', id: randomBytes(8).toString('hex') },
      outcome: 'success',
      source_ip: '203.0.113.7',
      request_id: randomBytes(8).toString('hex'),
      previous_hash: randomBytes(32).toString('hex'),
      hash: randomBytes(32).toString('hex'),
    },
  };
}

// ---- child: raw amqplib confirm-channel publishes (baseline) ----------------------------------
async function rawPublisher(exchange: string): Promise<void> {
  const model = await connect(AMQP_URL);
  const channel = await model.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const events = Array.from({ length: RAW_EVENTS }, auditEvent);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    for (const event of events.slice(i, i + BATCH)) {
      channel.publish(exchange, routingKey(event), encodeEvent(event), {
        persistent: true,
        messageId: event.id,
        contentType: 'application/json',
        timestamp: Math.floor(Date.parse(event.time) / 1000),
      });
    }
    await channel.waitForConfirms();
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  await model.close();
  process.stdout.write(`${JSON.stringify({ perSecond: RAW_EVENTS / seconds, cpuShare: (cpu.user + cpu.system) / 1e6 / seconds })}\n`);
}

// ---- child: the relay --------------------------------------------------------------------------
async function relayProcess(schema: string, exchange: string): Promise<void> {
  const pool = new Pool({ connectionString: PG_URL, options: `-c search_path=${schema}`, max: 3 });
  // The appenders live in another process here, so their committed() cannot wake this relay; a
  // 20 ms poll stands in for the in-process wake that production has.
  await startEventRelay({ pool, amqpUrl: AMQP_URL, exchange, batchSize: BATCH, pollIntervalMs: 20 });
  process.stdout.write('relay ready\n');
}

// ---- parent ------------------------------------------------------------------------------------
async function unsent(client: Client): Promise<number> {
  return (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL')).rows[0]!.n;
}

async function waitUntilSent(client: Client): Promise<number> {
  while ((await unsent(client)) > 0) await new Promise((r) => setTimeout(r, 5));
  return performance.now();
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

async function startRelay(schema: string, exchange: string, core: number | undefined): Promise<ChildProcess> {
  const child = spawnNode(__filename, ['relay', schema, exchange], { core });
  await firstLine(child, (line) => (line === 'relay ready' ? true : undefined));
  return child;
}

async function main(): Promise<void> {
  const pinned = hasTaskset() && availableParallelism() >= 2;
  const relayCore = pinned ? 1 : undefined;
  if (!pinned) process.stderr.write('warning: taskset or a second core is missing; running unpinned, figures are indicative only\n');
  if (pinned) {
    // The appenders (this process) stay off the relay's core.
    const { spawnSync } = await import('node:child_process');
    spawnSync('taskset', ['-pc', '0', String(process.pid)]);
  }

  const schema = `bs_bench_outbox_${randomBytes(4).toString('hex')}`;
  const exchange = `brandstack.events.bench.${randomBytes(4).toString('hex')}`;
  const queue = `${exchange}.audit-writer`;
  const store = await PostgresStore.connect({ connectionString: PG_URL, schema, maxConnections: APPENDERS });
  const outbox = new PostgresOutbox(store.pool);
  const watcher = new Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await watcher.connect();
  // A durable queue bound like the audit writer's, so persistent messages are written as in production.
  const broker = await connect(AMQP_URL);
  const admin = await broker.createChannel();
  await admin.assertExchange(exchange, 'topic', { durable: true });
  await admin.assertQueue(queue, { durable: true });
  await admin.bindQueue(queue, exchange, 'audit.#');

  try {
    // 1. Baseline: raw confirm-channel publishes on the relay's core.
    const raw = await runToJson<{ perSecond: number; cpuShare: number }>(spawnNode(__filename, ['raw', exchange], { core: relayCore }));
    await admin.purgeQueue(queue);

    // 2. End to end: appenders, one transaction per event, while the relay runs.
    let relay = await startRelay(schema, exchange, relayCore);
    let cpuBefore = cpuSeconds(relay.pid!);
    const events = Array.from({ length: END_TO_END_EVENTS }, auditEvent);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: APPENDERS }, async () => {
        while (next < events.length) {
          const event = events[next++]!;
          const tx = await store.pool.connect();
          try {
            await tx.query('BEGIN');
            await outbox.append(tx, [event]);
            await tx.query('COMMIT');
          } finally {
            tx.release();
          }
        }
      }),
    );
    const appended = performance.now();
    const allSent = await waitUntilSent(watcher);
    const endToEndSeconds = (allSent - started) / 1000;
    const endToEnd = {
      perSecond: END_TO_END_EVENTS / endToEndSeconds,
      appendPerSecond: END_TO_END_EVENTS / ((appended - started) / 1000),
      lagMs: allSent - appended,
      relayCpuShare: (cpuSeconds(relay.pid!) - cpuBefore) / endToEndSeconds,
    };
    await stop(relay);
    await admin.purgeQueue(queue);

    // 3. The relay alone: drain a pre-filled outbox.
    const fill = await store.pool.connect();
    try {
      const backlog = Array.from({ length: DRAIN_EVENTS }, auditEvent);
      await fill.query('BEGIN');
      for (let i = 0; i < backlog.length; i += 1000) await outbox.append(fill, backlog.slice(i, i + 1000));
      await fill.query('COMMIT');
    } finally {
      fill.release();
    }
    const drainStarted = performance.now();
    relay = await startRelay(schema, exchange, relayCore);
    cpuBefore = cpuSeconds(relay.pid!);
    const drained = await waitUntilSent(watcher);
    const drainSeconds = (drained - drainStarted) / 1000;
    const drain = { perSecond: DRAIN_EVENTS / drainSeconds, relayCpuShare: (cpuSeconds(relay.pid!) - cpuBefore) / drainSeconds };
    await stop(relay);

    const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    process.stdout.write(
      [
        `outbox → RabbitMQ, audit events (${encodeEvent(auditEvent()).length} bytes), persistent, to a durable queue; batch ${BATCH}`,
        `relay: one process${pinned ? ' pinned to core 1' : ' (unpinned)'}; appenders${pinned ? ' on core 0' : ''}; PostgreSQL and RabbitMQ unpinned on the same machine`,
        `  raw amqplib confirm-channel publishes, same core   ${fmt(raw.perSecond).padStart(8)} msgs/s    (baseline; ${fmt(raw.cpuShare * 100)} % of the core)`,
        `  append → confirm, 1 transaction per event        ${fmt(endToEnd.perSecond).padStart(8)} events/s  (${APPENDERS} appenders: appends ${fmt(endToEnd.appendPerSecond)}/s; last event sent ${fmt(endToEnd.lagMs)} ms after the last append; relay had ${fmt(endToEnd.relayCpuShare * 100)} % of its core)`,
        `  relay alone, draining ${fmt(DRAIN_EVENTS)} queued events        ${fmt(drain.perSecond).padStart(8)} events/s  (relay had ${fmt(drain.relayCpuShare * 100)} % of its core)`,
        `  ratio end-to-end / raw publishes                 ${fmt(endToEnd.perSecond / raw.perSecond, 3).padStart(8)}`,
        `  ratio relay drain / raw publishes                ${fmt(drain.perSecond / raw.perSecond, 3).padStart(8)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await admin.deleteQueue(queue).catch(() => undefined);
    await admin.deleteExchange(exchange).catch(() => undefined);
    await broker.close();
    await watcher.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await watcher.end();
    await store.close();
  }
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'raw' ? rawPublisher(args[0]!) : mode === 'relay' ? relayProcess(args[0]!, args[1]!) : main();
run.catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
