import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export type OAuthEndpoint = 'token' | 'introspect' | 'revoke';

/**
 * The service's Prometheus metrics, in a registry of its own so that several runtimes in one
 * process (tests) never share counters. Labels carry only bounded values: grant types, endpoint
 * names and error codes, never client ids or anything a request can invent. Tenant ids are
 * left out too: /metrics shares the runtime's listener, and a tenant's id names the brand's
 * customer (issue 13 review); per-tenant activity is in the logs and the audit trail.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();

  readonly tokensIssued = new Counter({
    name: 'brandstack_tokens_issued_total',
    help: 'Access tokens issued, by grant type.',
    labelNames: ['grant_type'] as const,
    registers: [this.registry],
  });

  readonly failures = new Counter({
    name: 'brandstack_oauth_failures_total',
    help: 'OAuth requests answered with an error, by endpoint and error code (RFC 6749 section 5.2).',
    labelNames: ['endpoint', 'reason'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: 'brandstack_oauth_request_duration_seconds',
    help: 'Time from request arrival to response, by endpoint and outcome.',
    labelNames: ['endpoint', 'outcome'] as const,
    // An RS256 signature costs ~0.8 ms on one core; the buckets resolve around that floor.
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
