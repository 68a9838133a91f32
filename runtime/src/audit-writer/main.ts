/**
 * The audit writer's entrypoint (issue 13 §6), bundled to dist/runtime/audit-writer.js: consumes
 * `audit.#` from RabbitMQ into MongoDB (DocumentDB) `audit_trail`, and serves /healthz/live,
 * /healthz/ready and /metrics on PORT. Settings: audit-writer-config.ts. A bad setting exits with
 * status 78 (EX_CONFIG) and one sentence naming the variable; MongoDB or the broker being down
 * does not exit: the writer retries with backoff and its readiness says which is failing.
 */
import { MongoClient } from 'mongodb';
import { parseMongoUrl } from '../config/mongo-url';
import { ConfigError } from '../errors/operator-errors';
import { parseAmqpUrl } from '../events/amqp-url';
import { closeOnSignals } from '../shutdown';
import { MongoAuditTrail } from '../store/audit/mongo-audit-trail';
import { createLogger } from '../support/logger';
import { AuditWriter } from './audit-writer';
import { parseAuditWriterConfig } from './audit-writer-config';
import type { AuditWriterConfig } from './audit-writer-config';
import { AuditWriterMetrics } from './audit-writer-metrics';
import { buildHealthServer } from './health-routes';
import { MongoTrailConnection } from './mongo-trail-connection';
import type { OpenedTrail } from './mongo-trail-connection';

const SECONDS_PER_DAY = 86_400;

async function start(): Promise<void> {
  const config = parseAuditWriterConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: 1, service: 'audit-writer' });
  const metrics = new AuditWriterMetrics();
  const store = new MongoTrailConnection({ open: () => openTrail(config), logger });
  const writer = new AuditWriter({
    // Re-read for each connection: with AMQP_URL_FILE, rotated broker credentials are picked up on reconnect.
    url: () => parseAmqpUrl(process.env)?.url ?? config.amqp.url,
    trail: store,
    metrics,
    logger,
  });
  const health = buildHealthServer({ brokerConnected: () => writer.consumer.connected, pingStore: () => store.ping(), metrics, logger });
  await health.listen({ host: config.host, port: config.port });
  store.start();
  writer.start();
  logger.info({ listening: health.addresses().map((a) => (typeof a === 'string' ? a : `${a.address}:${a.port}`)), queue: writer.consumer.queue, retention_days: config.retentionDays ?? 'forever', amqp_url_from: config.amqp.variable, mongo_url_from: config.mongo.variable }, 'audit writer started');
  closeOnSignals(logger, async () => {
    // A trail still being opened will not be: writes waiting for it fail and their messages go back to the queue.
    store.stopOpening();
    // Then the writer: its in-flight writes finish (and are acknowledged) while MongoDB is still open.
    await writer.close();
    await store.close();
    await health.close();
  });
}

/**
 * Connects to MongoDB with the URL read now (AUDIT_MONGO_URL_FILE is rewritten when the DocumentDB
 * password rotates) and opens the trail, creating its indexes and applying the stage retention.
 */
async function openTrail(config: AuditWriterConfig): Promise<OpenedTrail> {
  const url = parseMongoUrl(process.env, 'AUDIT_MONGO_URL')?.url ?? config.mongo.url;
  // A bounded server selection (the driver's default is 30 s) unless the URL sets its own.
  const selection = /[?&]serverSelectionTimeoutMS=/i.test(url) ? {} : { serverSelectionTimeoutMS: 10_000 };
  const client = new MongoClient(url, { appName: 'brandstack-audit-writer', ...selection });
  try {
    await client.connect();
    const db = client.db(config.database);
    const retention = config.retentionDays;
    const trail = await MongoAuditTrail.open(db, { retentionSeconds: retention === undefined ? undefined : retention * SECONDS_PER_DAY });
    return { trail, ping: async () => void (await db.command({ ping: 1 })), close: () => client.close() };
  } catch (error) {
    await client.close().catch(() => undefined);
    throw error;
  }
}

/** MongoDB's messages name hosts at most; any URL is cut out all the same. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/mongodb(\+srv)?:\/\/\S*/g, 'mongodb://…');
}

start().catch((error: unknown) => {
  process.stderr.write(`audit writer: ${error instanceof ConfigError ? error.message : `failed to start: ${describe(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
