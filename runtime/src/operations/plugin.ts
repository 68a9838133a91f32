import { timedCheck } from '../support/timed-check';
import type { FastifyInstance } from 'fastify';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { IdentityStore } from '../store/identity-store';
import type { RuntimeMetrics } from '../support/runtime-metrics';

export interface OperationsContext {
  store: IdentityStore;
  keyring: TenantKeyring;
  metrics: RuntimeMetrics;
  /** A readiness check slower than this counts as failed; probes must not hang. @default 2000 */
  readinessTimeoutMs?: number;
  /** The platform key that seals signing keys is usable (KMS DescribeKey). @default not checked */
  checkPlatformKey?: () => Promise<void>;
  /** ALLOW_INSECURE_LOCAL_KEYS=1 in production: reported as a warning on every readiness answer. */
  insecureLocalKeys?: boolean;
}

/**
 * Probes and metrics for the platform. The Kubernetes charts probe /healthz/live (restart when
 * the process is wedged) and /healthz/ready (send traffic only when tokens can be issued): so
 * readiness checks the store and that the keys open and sign, while liveness checks nothing
 * external, lest a database outage restart every pod.
 */
export async function operationsRoutes(app: FastifyInstance, ctx: OperationsContext): Promise<void> {
  const timeoutMs = ctx.readinessTimeoutMs ?? 2000;

  app.get('/healthz/live', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'live' };
  });

  // The ingress also routes this path, for Route 53's health checks of each region
  // (lib/charts/identity-chart.ts): the body says which check fails, never why;
  // the reason (which may name a host or a kid) goes only to the log.
  app.get('/healthz/ready', async (request, reply) => {
    const reasons = {
      store: await outcome(() => ctx.store.ping(), timeoutMs),
      keys: await outcome(async () => {
        await ctx.keyring.check();
        await ctx.checkPlatformKey?.();
      }, timeoutMs),
    };
    const checks = { store: reasons.store === 'ok' ? 'ok' : 'failing', keys: reasons.keys === 'ok' ? 'ok' : 'failing' };
    const ready = checks.store === 'ok' && checks.keys === 'ok';
    if (!ready) request.log.warn({ checks: reasons }, 'not ready');
    reply.code(ready ? 200 : 503).header('cache-control', 'no-store');
    // A weaker setting asked for explicitly still shows wherever someone looks (issue 14 §8).
    return { status: ready ? 'ready' : 'not_ready', checks, ...(ctx.insecureLocalKeys ? { warnings: ['insecure_local_keys'] } : {}) };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.type(ctx.metrics.registry.contentType);
    return ctx.metrics.registry.metrics();
  });
}

// Store and key errors name hosts, users or kids at most, never credentials.
function outcome(check: () => Promise<void>, timeoutMs: number): Promise<string> {
  return timedCheck(check, timeoutMs);
}
