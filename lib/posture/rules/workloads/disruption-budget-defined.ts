import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every workload has a PodDisruptionBudget, so node replacement (EKS Auto Mode
 * expires nodes) and upgrades evict its pods a few at a time, never all at once.
 * https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export const DisruptionBudgetDefined = postureRule('workloads/disruption-budget-defined', 'Every workload has a PodDisruptionBudget.', (facts) =>
  (facts.cluster?.workloads ?? []).filter((w) => !w.disruptionBudget).map((w) => ({ resource: workloadName(w), reason: 'no PodDisruptionBudget selects its pods' })),
);
