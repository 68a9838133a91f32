import { postureRule } from '../rule';

/**
 * Cluster access is granted by EKS access entries only (authentication mode
 * API, no aws-auth ConfigMap), and whoever deploys the stack is not made cluster
 * admin as a side effect: every admin is a named access entry, visible in the
 * template and in CloudTrail.
 * https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html
 */
export const AccessEntriesOnly = postureRule('cluster/access-entries-only', 'Access is by access entries only, and the deployer is not made admin.', (facts) => {
  const cp = facts.cluster?.controlPlane;
  if (!cp) return [];
  return [
    ...(cp.authenticationMode === 'API' ? [] : [{ resource: cp.name, reason: `authentication mode ${cp.authenticationMode}, not API (access entries only)` }]),
    ...(cp.creatorIsAdmin ? [{ resource: cp.name, reason: 'the principal that creates the cluster is made cluster admin' }] : []),
  ];
});
