import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every workload is selected by a NetworkPolicy that denies all ingress and
 * egress, so only flows another policy names are open: a compromised pod cannot
 * reach what it was never meant to.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-and-all-egress-traffic
 */
export const DefaultDenyNetworkPolicy = postureRule('workloads/default-deny-network-policy', 'Every workload is under a default-deny (ingress and egress) NetworkPolicy.', (facts) =>
  (facts.cluster?.workloads ?? [])
    .filter(
      (w) =>
        !w.networkPolicies.some(
          (p) => p.selectsAllPods && p.policyTypes.includes('Ingress') && p.policyTypes.includes('Egress') && p.ingress.length === 0 && p.egress.length === 0,
        ),
    )
    .map((w) => ({ resource: workloadName(w), reason: 'no NetworkPolicy denies all ingress and egress of its namespace' })),
);
