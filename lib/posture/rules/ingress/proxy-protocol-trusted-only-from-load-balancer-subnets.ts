import { overlaps, parseCidr, type Ipv4Cidr } from '../../../config/cidr';
import type { Finding } from '../rule';
import { postureRule } from '../rule';

/**
 * Traefik believes a PROXY protocol header (the client address the per-client limits
 * key on) only from the load balancer's subnets: exactly the subnets an internet-facing
 * load balancer is placed in (tagged `kubernetes.io/role/elb`), and nothing that overlaps
 * a subnet pods get addresses from, or any pod could forge its client address. With IP
 * targets behind a TLS listener the NLB connects from its own private addresses in those
 * subnets (client IP preservation is off for IP targets with TCP/TLS:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation).
 * https://doc.traefik.io/traefik/routing/entrypoints/#proxyprotocol
 */
export const ProxyProtocolTrustedOnlyFromLoadBalancerSubnets = postureRule(
  'ingress/proxy-protocol-trusted-only-from-load-balancer-subnets',
  "Traefik trusts PROXY protocol headers from exactly the load balancer's subnets, and from no subnet pods use.",
  (facts) => {
    const ingress = facts.cluster?.ingress;
    if (!ingress) return [];
    const lbCidrs = ingress.loadBalancerSubnets.map((s) => s.cidr);
    return ingress.controllers.flatMap(({ loadBalancer, entrypoints }) =>
      entrypoints.flatMap((e): Finding[] => {
        const resource = `${e.release} entrypoint ${e.name}`;
        if (!e.trustedProxyCidrs) {
          return loadBalancer.proxyProtocolV2 ? [{ resource, reason: 'the load balancer sends PROXY protocol headers, but the entrypoint trusts no source to read them from' }] : [];
        }
        const findings: Finding[] = [];
        if (lbCidrs.length === 0) findings.push({ resource, reason: 'no subnet is tagged kubernetes.io/role/elb, so where the load balancer connects from is unknown' });
        for (const cidr of e.trustedProxyCidrs) {
          if (!lbCidrs.includes(cidr)) findings.push({ resource, reason: `trusts ${cidr}, which is not a load balancer subnet` });
          const trusted = parseCidr(cidr);
          if (typeof trusted === 'string') continue;
          for (const pods of ingress.podSubnets) {
            const range = parseCidr(pods.cidr);
            if (typeof range !== 'string' && overlaps(trusted, range as Ipv4Cidr)) {
              findings.push({ resource, reason: `trusts ${cidr}, which overlaps pod subnet ${pods.cidr}: a pod could forge the client address` });
            }
          }
        }
        for (const cidr of lbCidrs) {
          if (!e.trustedProxyCidrs.includes(cidr)) findings.push({ resource, reason: `does not trust load balancer subnet ${cidr}: connections from it lose the client address` });
        }
        return findings;
      }),
    );
  },
);
