import { postureRule } from '../rule';

/**
 * Every namespace the stack creates enforces the `restricted` Pod Security
 * Standard, so the API server refuses a pod that could run as root, escalate
 * privileges or keep capabilities, whatever a chart's defaults.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export const NamespacesEnforceRestrictedPodSecurity = postureRule(
  'cluster/namespaces-enforce-restricted-pod-security',
  'Every namespace the stack creates enforces the restricted Pod Security Standard.',
  (facts) =>
    (facts.cluster?.namespaces ?? [])
      .filter((ns) => ns.podSecurity !== 'restricted')
      .map((ns) => ({ resource: `namespace ${ns.name}`, reason: `pod security ${ns.podSecurity ?? 'not enforced'}, not restricted` })),
);
