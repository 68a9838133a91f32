import { postureRule } from '../rule';

/**
 * The VPC CNI's network policy controller is on, so NetworkPolicies are enforced
 * rather than merely stored: without it the default-deny policies of the
 * workload namespaces would promise isolation nothing provides.
 * https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
 */
export const NetworkPoliciesEnforced = postureRule('cluster/network-policies-enforced', "The VPC CNI enforces NetworkPolicies.", (facts) => {
  const cluster = facts.cluster;
  if (!cluster || cluster.compute.networkPolicyController) return [];
  return [{ resource: cluster.controlPlane.name, reason: 'the VPC CNI network policy controller is off: NetworkPolicies are not enforced' }];
});
