import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every container has a readiness probe (no traffic before it can serve, none
 * while it cannot) and a liveness probe (restarted when stuck): what lets a
 * rolling update with maxUnavailable 0 keep the service up.
 * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export const ProbesDefined = postureRule('workloads/probes-defined', 'Every container has readiness and liveness probes.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) =>
    w.containers.flatMap((c) =>
      (['readiness', 'liveness'] as const).filter((kind) => !c.probes[kind]).map((kind) => ({ resource: `${workloadName(w)} container ${c.name}`, reason: `no ${kind} probe` })),
    ),
  ),
);
