import { postureRule } from '../rule';
import type { Finding } from '../rule';

/**
 * Every public route is rate-limited and concurrency-limited per client IP by
 * Traefik middlewares that exist: the token endpoint is a password-guessing and
 * denial-of-service target (RFC 6749 §10.10, credentials-guessing attacks).
 * A limit keyed on the request host would throttle every client together.
 * https://doc.traefik.io/traefik/middlewares/http/ratelimit/
 */
export const RoutesRateLimitedPerClient = postureRule('ingress/routes-rate-limited-per-client', 'Every route has rate and concurrency limits per client IP.', (facts) =>
  (facts.cluster?.ingress.routes ?? []).flatMap((route): Finding[] => {
    const name = `route ${route.host}${route.path}`;
    const findings: Finding[] = [];
    if (!route.limits.some((l) => l.kind === 'rate')) findings.push({ resource: name, reason: 'no rate limit' });
    if (!route.limits.some((l) => l.kind === 'in-flight')) findings.push({ resource: name, reason: 'no concurrency limit' });
    for (const limit of route.limits) {
      if (limit.kind === 'missing') findings.push({ resource: name, reason: `middleware ${limit.middleware} does not exist` });
      else if (limit.per.kind !== 'client-ip') findings.push({ resource: name, reason: `a ${limit.kind} limit is per ${limit.per.kind}, not per client IP` });
    }
    return findings;
  }),
);
