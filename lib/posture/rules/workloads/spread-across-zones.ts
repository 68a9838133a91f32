import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every workload spreads its pods across availability zones (maxSkew 1), so one
 * zone's loss leaves replicas in the others.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export const SpreadAcrossZones = postureRule('workloads/spread-across-zones', 'Every workload spreads its pods across zones.', (facts) =>
  (facts.cluster?.workloads ?? []).filter((w) => !w.zoneSpread.some((c) => c.maxSkew === 1)).map((w) => ({ resource: workloadName(w), reason: 'no zone spread constraint with maxSkew 1' })),
);
