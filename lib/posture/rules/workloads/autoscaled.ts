import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/** Fewer replicas than this cannot survive the loss of one pod or zone. */
const MINIMUM_REPLICAS = 2;

/**
 * Every workload is scaled by a HorizontalPodAutoscaler that never goes below two
 * replicas: load is absorbed, and one pod (or zone) lost leaves the service up.
 * https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export const Autoscaled = postureRule('workloads/autoscaled', `Every workload has an HPA with at least ${MINIMUM_REPLICAS} replicas.`, (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) => {
    if (!w.autoscaler) return [{ resource: workloadName(w), reason: `no HorizontalPodAutoscaler: fixed at ${w.replicas} replica(s)` }];
    const min = w.autoscaler.minReplicas ?? 1;
    return min < MINIMUM_REPLICAS ? [{ resource: workloadName(w), reason: `the HPA may scale down to ${min} replica(s)` }] : [];
  }),
);
