/**
 * The audit writer's entrypoint (issue 13 §6), bundled to dist/runtime/audit-writer.js: consumes
 * `audit.#` from RabbitMQ into MongoDB (DocumentDB) `audit_trail`, and serves /healthz/live,
 * /healthz/ready and /metrics on PORT. Settings: audit-writer-config.ts. A bad setting exits with
 * status 78 (EX_CONFIG) and one sentence naming the variable; MongoDB or the broker being down
 * does not exit: the writer retries with backoff and its readiness says which is failing.
 */
import { MongoClient } from 'mongodb';
import type { Logger } from 'pino';
import type { AuditTrail } from '../audit/audit-trail';
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

const SECONDS_PER_DAY = 86_400;

async function start(): Promise<void> {
  const config = parseAuditWriterConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: 1 }).child({ component: 'audit-writer' });
  const metrics = new AuditWriterMetrics();
  const store = new AuditStoreConnection(config, logger);
  const writer = new AuditWriter({
    // Re-read for each connection: with AMQP_URL_FILE, rotated broker credentials are picked up on reconnect.
    url: () => parseAmqpUrl(process.env)?.url ?? config.amqp.url,
    trail: store.opened,
    metrics,
    logger,
  });
  const health = buildHealthServer({ brokerConnected: () => writer.consumer.connected, pingStore: () => store.ping(), metrics, logger });
  await health.listen({ host: config.host, port: config.port });
  store.open();
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
 * The MongoDB connection and the trail on it, opened in the background with backoff: DocumentDB
 * may be unreachable at start (a failover, a deploy in progress), and a crash loop would only
 * delay the pod. Each attempt re-reads AUDIT_MONGO_URL(_FILE), so rotated credentials are used.
 */
class AuditStoreConnection {
  readonly opened: Promise<AuditTrail>;
  readonly #config: AuditWriterConfig;
  readonly #logger: Logger;
  #resolve!: (trail: AuditTrail) => void;
  #reject!: (error: Error) => void;
  #client: MongoClient | undefined;
  #trail: AuditTrail | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(config: AuditWriterConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger;
    this.opened = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.opened.catch(() => undefined);
  }

  open(failures = 0): void {
    void this.#attempt().then(
      (trail) => {
        this.#trail = trail;
        this.#resolve(trail);
        this.#logger.info({ database: this.#config.database }, 'audit trail open');
      },
      (error: unknown) => {
        if (this.#closed) return;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 10));
        this.#logger.warn({ err: describe(error), retryInMs: delay }, 'cannot open the audit trail in MongoDB; retrying');
        this.#timer = setTimeout(() => this.open(failures + 1), delay);
      },
    );
  }

  async ping(): Promise<void> {
    if (!this.#client || !this.#trail) throw new Error('the audit trail is not open yet');
    await this.#client.db(this.#config.database).command({ ping: 1 });
  }

  /** No further attempts; a trail not open by now never will be (settling an open one changes nothing). */
  stopOpening(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#reject(new Error('the audit writer is closing'));
  }

  async close(): Promise<void> {
    this.stopOpening();
    await this.#client?.close().catch(() => undefined);
  }

  async #attempt(): Promise<AuditTrail> {
    const url = parseMongoUrl(process.env, 'AUDIT_MONGO_URL')?.url ?? this.#config.mongo.url;
    // A bounded server selection (the driver's default is 30 s) unless the URL sets its own.
    const selection = /[?&]serverSelectionTimeoutMS=/i.test(url) ? {} : { serverSelectionTimeoutMS: 10_000 };
    const client = new MongoClient(url, { appName: 'brandstack-audit-writer', ...selection });
    try {
      await client.connect();
      const retention = this.#config.retentionDays;
      const trail = await MongoAuditTrail.open(client.db(this.#config.database), { retentionSeconds: retention === undefined ? undefined : retention * SECONDS_PER_DAY });
      if (this.#closed) throw new Error('closed');
      this.#client = client;
      return trail;
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
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
