import { postureRule } from '../rule';

/**
 * The ingress load balancer passes the client's address to Traefik (proxy
 * protocol v2): the per-client rate limits and concurrency limits key on it, and
 * without it every request would come from the load balancer's own address.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol
 */
export const ClientIpPreserved = postureRule('ingress/client-ip-preserved', 'The ingress load balancer preserves the client IP (proxy protocol v2).', (facts) =>
  (facts.cluster?.ingress.controllers ?? [])
    .filter(({ loadBalancer }) => !loadBalancer.proxyProtocolV2)
    .map(({ loadBalancer }) => ({ resource: loadBalancer.release, reason: 'proxy protocol off: the client IP is lost, so per-client limits cannot work' })),
);
