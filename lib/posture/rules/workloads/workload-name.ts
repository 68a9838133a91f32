import type { WorkloadFacts } from '../../facts/cluster';

/** How a violation names a workload: `<namespace>/<name>`, as the snapshot does. */
export const workloadName = (w: WorkloadFacts) => `${w.namespace}/${w.name}`;
