import { postureRule } from '../rule';
import type { RuleSource } from '../../facts/network';
import { portText, WORLD_CIDRS } from './ports';

const isNarrowCidr = (source: RuleSource) => source.kind === 'cidr' && !WORLD_CIDRS.includes(source.cidr);

/**
 * A host with a public address (the bastion) admits SSH (TCP 22) and nothing
 * else, and only from a CIDR range narrower than the internet (the brand's VPN):
 * its public address is the one way in from outside, so anything more it admits
 * is exposed to the internet. (The brand's VPN range itself is brand data, not
 * in the template: test/posture pins the source to it.)
 */
export const PublicHostsAdmitOnlySshFromARange = postureRule(
  'network/public-hosts-admit-only-ssh-from-a-range',
  'A host with a public address admits only SSH, only from a CIDR range narrower than the internet.',
  (facts) =>
    facts.network.publicHosts.flatMap((host) =>
      facts.network.ingressRules
        .filter((rule) => host.securityGroups.includes(rule.securityGroup))
        .filter((rule) => !(rule.protocol === 'tcp' && rule.ports !== 'all' && rule.ports.from === 22 && rule.ports.to === 22 && isNarrowCidr(rule.source)))
        .map((rule) => ({ resource: host.name, reason: `public, and ${rule.securityGroup} admits ${rule.protocol} ${portText(rule.ports)} from ${JSON.stringify(rule.source)}` })),
    ),
);
