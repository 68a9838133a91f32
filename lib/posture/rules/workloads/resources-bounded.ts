import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every container requests and limits CPU and memory: the scheduler places it
 * where it fits, the HPA's CPU target has a base, and one runaway pod cannot
 * starve its neighbours.
 * https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export const ResourcesBounded = postureRule('workloads/resources-bounded', 'Every container has CPU and memory requests and limits.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) =>
    w.containers.flatMap((c) => {
      const r = c.resources;
      const missing = [r.cpuRequest ? [] : ['cpu request'], r.cpuLimit ? [] : ['cpu limit'], r.memoryRequest ? [] : ['memory request'], r.memoryLimit ? [] : ['memory limit']].flat();
      return missing.length ? [{ resource: `${workloadName(w)} container ${c.name}`, reason: `no ${missing.join(', ')}` }] : [];
    }),
  ),
);
