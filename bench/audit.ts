/**
 * `npm run bench:audit`: audit throughput of the admin API (issue 13): events per second from an
 * admin call to RabbitMQ. The identity runtime runs as production runs it (PostgreSQL store, the
 * outbox relay in the same process, publisher confirms), in one process pinned to core 1; the
 * admin callers (16 concurrent) and the consumer run here on core 0. Each admin call changes a
 * client's authorities: one transaction holding the change, its hash-chained audit event and its
 * outbox row. The clock stops when the consumer has the last event.
 *
 * Two shapes: every call in one tenant (its chain serialises the appends: the per-tenant ceiling)
 * and calls spread over 8 tenants. Baseline in the same run, on the same core: raw amqplib
 * confirm-channel publishes of the same messages (the broker's ceiling here).
 * Needs PostgreSQL and RabbitMQ on 127.0.0.1 (BRANDSTACK_TEST_PG_URL, BRANDSTACK_TEST_AMQP_URL).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { connect } from 'amqplib';
import { Client } from 'pg';
import pino from 'pino';
import { buildIdentityRuntime } from '../runtime/src/app';
import { SecretHasher } from '../runtime/src/clients/secret-hasher';
import { KeySealer } from '../runtime/src/keys/key-sealer';
import { PostgresStore } from '../runtime/src/store/postgres/postgres-store';
import { cpuSeconds, firstLine, hasTaskset, runToJson, spawnNode } from './lib/processes';

const PG_URL = process.env.BRANDSTACK_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.BRANDSTACK_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const CALLS = Number(process.env.BENCH_AUDIT_CALLS ?? 4000);
const CALLERS = 16;
const CLIENTS_PER_TENANT = 16;

// ---- child: the runtime ------------------------------------------------------------------------
async function runtimeProcess(schema: string, exchange: string, secret: string): Promise<void> {
  const store = await PostgresStore.connect({ connectionString: PG_URL, schema, maxConnections: 20 });
  const runtime = await buildIdentityRuntime({
    store,
    sealer: KeySealer.ephemeral(),
    hasher: SecretHasher.ephemeral(),
    platformAdminClientSecret: secret,
    amqpUrl: AMQP_URL,
    amqpExchange: exchange,
    logger: pino({ level: 'warn' }),
    processMetrics: false,
  });
  const base = await runtime.listen('127.0.0.1', 0);
  process.stdout.write(`${JSON.stringify({ base })}\n`);
}

// ---- child: raw confirm-channel publishes (baseline) -------------------------------------------
async function rawPublisher(exchange: string, bytes: number): Promise<void> {
  const model = await connect(AMQP_URL);
  const channel = await model.createConfirmChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const body = Buffer.alloc(bytes, 'x');
  const started = performance.now();
  const total = 20_000;
  for (let i = 0; i < total; i += 100) {
    for (let j = 0; j < 100; j++) channel.publish(exchange, 'audit.raw.client.authorities_update', body, { persistent: true, messageId: randomUUID(), contentType: 'application/json' });
    await channel.waitForConfirms();
  }
  const seconds = (performance.now() - started) / 1000;
  await model.close();
  process.stdout.write(`${JSON.stringify({ perSecond: total / seconds })}\n`);
}

// ---- parent ------------------------------------------------------------------------------------
interface Shape {
  tenants: string[];
  perSecond: number;
  callsPerSecond: number;
  lagMs: number;
  runtimeCpuShare: number;
  bytes: number;
}

async function main(): Promise<void> {
  const pinned = hasTaskset() && availableParallelism() >= 2;
  if (!pinned) process.stderr.write('warning: taskset or a second core is missing; running unpinned, figures are indicative only\n');
  if (pinned) (await import('node:child_process')).spawnSync('taskset', ['-pc', '0', String(process.pid)]);
  const schema = `bs_bench_audit_${randomBytes(4).toString('hex')}`;
  const exchange = `brandstack.events.bench.${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  const broker = await connect(AMQP_URL);
  const channel = await broker.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const queue = `${exchange}.audit-writer`;
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, 'audit.#');
  let runtime: ChildProcess | undefined;
  const pg = new Client({ connectionString: PG_URL });
  await pg.connect();
  try {
    runtime = spawnNode(__filename, ['runtime', schema, exchange, secret], { core: pinned ? 1 : undefined });
    const { base } = await firstLine(runtime, (line) => (line.startsWith('{') ? (JSON.parse(line) as { base: string }) : undefined));
    const token = await adminToken(base, secret);
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

    const tenants = Array.from({ length: 8 }, (_, i) => `bench-${i}`);
    for (const tenant of tenants) {
      await call('POST', '/admin/tenants', { tenant });
      for (let c = 0; c < CLIENTS_PER_TENANT; c++) await call('POST', `/admin/tenants/${tenant}/clients`, { client_id: `c${c}`, resources: ['https://api.example'] });
    }
    // Everything so far (setup events) is consumed and dropped before measuring.
    let delivered = 0;
    let bytes = 0;
    let onDelivery: (() => void) | undefined;
    await channel.consume(queue, (message) => {
      if (!message) return;
      if (message.fields.routingKey.endsWith('.client.authorities_update')) {
        delivered++;
        bytes = message.content.length;
        onDelivery?.();
      }
      channel.ack(message);
    });

    const shape = async (used: string[]): Promise<Shape> => {
      delivered = 0;
      const cpuBefore = cpuSeconds(runtime!.pid!);
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CALLERS }, async () => {
          while (next < CALLS) {
            const i = next++;
            const tenant = used[i % used.length]!;
            const response = await call('PUT', `/admin/tenants/${tenant}/clients/c${i % CLIENTS_PER_TENANT}/authorities`, { authorities: [`orders.r${i % 3}`] });
            if (response.status !== 200) throw new Error(`admin call failed: ${response.status} ${await response.text()}`);
            await response.arrayBuffer();
          }
        }),
      );
      const called = performance.now();
      await new Promise<void>((done) => {
        onDelivery = () => delivered >= CALLS && done();
        onDelivery();
      });
      const finished = performance.now();
      const seconds = (finished - started) / 1000;
      return { tenants: used, perSecond: CALLS / seconds, callsPerSecond: CALLS / ((called - started) / 1000), lagMs: finished - called, runtimeCpuShare: (cpuSeconds(runtime!.pid!) - cpuBefore) / seconds, bytes };
    };
    const one = await shape(tenants.slice(0, 1));
    const eight = await shape(tenants);
    const raw = await runToJson<{ perSecond: number }>(spawnNode(__filename, ['raw', exchange, String(one.bytes)], { core: pinned ? 1 : undefined }));

    const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
    const line = (label: string, s: Shape) =>
      `  ${label.padEnd(46)} ${fmt(s.perSecond).padStart(7)} events/s  (admin calls ${fmt(s.callsPerSecond)}/s; last event at RabbitMQ ${fmt(s.lagMs)} ms after the last call; runtime had ${fmt(s.runtimeCpuShare * 100)} % of its core)`;
    process.stdout.write(
      [
        `admin call → audit event in RabbitMQ (${one.bytes}-byte messages, persistent, durable queue); ${fmt(CALLS)} calls, ${CALLERS} concurrent callers`,
        `runtime (API + chain + outbox relay): one process${pinned ? ' pinned to core 1' : ' (unpinned)'}; callers and consumer${pinned ? ' on core 0' : ''}; PostgreSQL and RabbitMQ unpinned`,
        line('one tenant (one hash chain)', one),
        line('8 tenants', eight),
        `  raw amqplib confirm-channel publishes, core 1  ${fmt(raw.perSecond).padStart(7)} msgs/s    (baseline: the broker's ceiling here)`,
        `  ratio one tenant / raw                         ${fmt(one.perSecond / raw.perSecond, 3).padStart(7)}`,
        `  ratio 8 tenants / raw                          ${fmt(eight.perSecond / raw.perSecond, 3).padStart(7)}`,
      ].join('\n') + '\n',
    );
  } finally {
    runtime?.kill('SIGTERM');
    await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await broker.close();
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
  }
}

async function adminToken(base: string, secret: string): Promise<string> {
  const response = await fetch(`${base}/t/platform/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`platform-admin:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

const [mode, ...args] = process.argv.slice(2);
const run = mode === 'runtime' ? runtimeProcess(args[0]!, args[1]!, args[2]!) : mode === 'raw' ? rawPublisher(args[0]!, Number(args[1])) : main().then(() => process.exit(0));
run.catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
