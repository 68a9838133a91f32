import { postureRule } from '../rule';
import { coversPort, portText } from './ports';

/**
 * SSH (TCP 22) is admitted only by the security groups of the hosts with a public
 * address (the bastion): workload nodes and data services are reached through
 * SSM or the bastion, never by SSH of their own. Traffic between security groups
 * on all protocols (EKS node to node) is not SSH exposure; any CIDR is.
 */
export const SshOnlyToPublicHosts = postureRule('network/ssh-only-to-public-hosts', 'Only the security groups of public hosts (the bastion) admit SSH.', (facts) => {
  const bastionGroups = new Set(facts.network.publicHosts.flatMap((host) => host.securityGroups));
  return facts.network.ingressRules
    .filter((rule) => rule.protocol !== 'udp' && coversPort(rule.protocol, rule.ports, 22) && !(rule.protocol === 'all' && rule.source.kind === 'security-group'))
    .filter((rule) => !bastionGroups.has(rule.securityGroup))
    .map((rule) => ({ resource: rule.securityGroup, reason: `admits SSH (${rule.protocol} ${portText(rule.ports)}) but is no public host's group` }));
});
