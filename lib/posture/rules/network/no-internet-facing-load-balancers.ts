import { postureRule } from '../rule';

/**
 * The stack creates no internet-facing load balancer. The one public entry is
 * the ingress controller's, which EKS Auto Mode creates from the Traefik Service
 * (its TLS, certificate and policy are checked by rules/ingress/); a second,
 * unplanned public endpoint would bypass the rate limits and mesh policies.
 */
export const NoInternetFacingLoadBalancers = postureRule('network/no-internet-facing-load-balancers', 'The stack creates no internet-facing load balancer.', (facts) =>
  facts.network.loadBalancers.filter((lb) => lb.scheme === 'internet-facing').map((lb) => ({ resource: lb.name, reason: `internet-facing ${lb.type} load balancer` })),
);
