import { timedCheck } from '../support/timed-check';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuditWriterMetrics } from './audit-writer-metrics';

export interface HealthRoutesOptions {
  /** Whether the consumer has a channel to the broker. */
  brokerConnected: () => boolean;
  /** Resolves when the audit store answers (MongoDB `ping`); rejects otherwise. */
  pingStore: () => Promise<void>;
  metrics: AuditWriterMetrics;
  logger?: Logger;
  /** A store check slower than this counts as failed: probes must not hang. @default 2000 */
  readinessTimeoutMs?: number;
}

/**
 * The audit writer's only listener, inside the cluster (no route is public): /healthz/live
 * (restart a wedged process; checks nothing external, lest a MongoDB outage restart every pod),
 * /healthz/ready (broker and store reachable) and /metrics. The readiness body says which check
 * fails, never why: the reason, which may name a host, goes to the log only.
 */
export function buildHealthServer(options: HealthRoutesOptions): FastifyInstance {
  const app = Fastify({ logger: false });
  const timeoutMs = options.readinessTimeoutMs ?? 2000;

  app.get('/healthz/live', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'live' };
  });

  app.get('/healthz/ready', async (_request, reply) => {
    const broker = options.brokerConnected() ? 'ok' : 'failing: no channel to the broker';
    const store = await outcome(options.pingStore, timeoutMs);
    const checks = { broker: broker === 'ok' ? 'ok' : 'failing', store: store === 'ok' ? 'ok' : 'failing' };
    const ready = checks.broker === 'ok' && checks.store === 'ok';
    if (!ready) options.logger?.warn({ checks: { broker, store } }, 'not ready');
    reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    return { status: ready ? 'ready' : 'not_ready', checks };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(options.metrics.registry.contentType);
    return options.metrics.registry.metrics();
  });

  return app;
}

/** MongoDB's errors name hosts at most; a URL (with its password) is cut out all the same. */
function outcome(check: () => Promise<void>, timeoutMs: number): Promise<string> {
  return timedCheck(check, timeoutMs, (message) => message.replace(/mongodb(\+srv)?:\/\/\S*/g, 'mongodb://…'));
}
