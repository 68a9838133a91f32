import { postureRule } from '../rule';

/**
 * The Kubernetes API endpoint is private only: reachable from the VPC (the
 * kubectl handler, the bastion), never from the internet, so a leaked credential
 * alone does not reach the API.
 * https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export const PrivateApiEndpoint = postureRule('cluster/private-api-endpoint', "The EKS API endpoint is private, with no public access.", (facts) => {
  const cp = facts.cluster?.controlPlane;
  if (!cp) return [];
  return [
    ...(cp.endpoint.publicAccess ? [{ resource: cp.name, reason: `the API endpoint is public from ${cp.endpoint.publicCidrs.join(', ')}` }] : []),
    ...(cp.endpoint.privateAccess ? [] : [{ resource: cp.name, reason: 'the API endpoint has no private access' }]),
  ];
});
