import { postureRule } from '../rule';

/** The private API endpoint listens on HTTPS: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html */
const API_PORT = 443;

/**
 * The security groups the template gives the control plane admit 443 from other
 * security groups only (the operators' bastion), nothing else and from no
 * address range: a private endpoint is still reachable from every address the
 * VPC routes unless its security group says otherwise. EKS's own cluster
 * security group (not in the template) admits the nodes and the kubectl handler.
 * https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html
 */
export const ApiReachableOnlyFromSecurityGroups = postureRule(
  'cluster/api-reachable-only-from-security-groups',
  "The API endpoint's security groups admit 443 from security groups (the bastion) only.",
  (facts) => {
    const cp = facts.cluster?.controlPlane;
    if (!cp) return [];
    return cp.apiAccess.flatMap((rule) => {
      const ports = rule.ports === 'all' ? 'all ports' : rule.ports.from === rule.ports.to ? `port ${rule.ports.from}` : `ports ${rule.ports.from}-${rule.ports.to}`;
      const exactlyApi = rule.protocol === 'tcp' && rule.ports !== 'all' && rule.ports.from === API_PORT && rule.ports.to === API_PORT;
      const source =
        rule.source.kind === 'security-group'
          ? undefined
          : rule.source.kind === 'cidr'
            ? `the address range ${rule.source.cidr}`
            : rule.source.kind === 'prefix-list'
              ? `the prefix list ${rule.source.prefixList}`
              : 'an unknown source';
      return [
        ...(exactlyApi ? [] : [{ resource: rule.securityGroup, reason: `admits ${rule.protocol} ${ports}; the API endpoint needs tcp ${API_PORT} only` }]),
        ...(source ? [{ resource: rule.securityGroup, reason: `admits the API endpoint from ${source}, not from a security group` }] : []),
      ];
    });
  },
);
