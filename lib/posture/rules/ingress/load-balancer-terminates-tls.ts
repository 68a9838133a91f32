import { postureRule } from '../rule';
import type { Finding } from '../rule';

/** ELB security policies that negotiate TLS 1.3 and 1.2 only. */
const TLS13_POLICY = /^ELBSecurityPolicy-TLS13-1-2-/;

/**
 * The ingress load balancer terminates TLS on every port it exposes, with an ACM
 * certificate validated by DNS (renewed by ACM with no one in the loop) and a
 * TLS 1.3/1.2-only security policy; no entrypoint exposes a port without TLS.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
 */
export const LoadBalancerTerminatesTls = postureRule('ingress/load-balancer-terminates-tls', 'The ingress load balancer terminates TLS 1.2+ on every exposed port, with a DNS-validated ACM certificate.', (facts) =>
  (facts.cluster?.ingress.controllers ?? []).flatMap(({ loadBalancer: lb, entrypoints }): Finding[] => {
    const tlsPorts = (lb.tlsPorts ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const findings: Finding[] = [];
    if (!tlsPorts.length) findings.push({ resource: lb.release, reason: 'the load balancer terminates TLS on no port' });
    if (lb.certificate.kind !== 'acm') findings.push({ resource: lb.release, reason: lb.certificate.kind === 'none' ? 'no certificate' : 'a certificate from outside the stack' });
    else if (lb.certificate.validation !== 'DNS') findings.push({ resource: lb.release, reason: `certificate validated by ${lb.certificate.validation}, not DNS` });
    if (!TLS13_POLICY.test(lb.sslPolicy ?? '')) findings.push({ resource: lb.release, reason: `TLS policy ${lb.sslPolicy ?? 'the default'} allows versions before TLS 1.2` });
    for (const e of entrypoints) {
      if (!tlsPorts.includes(String(e.exposedPort))) findings.push({ resource: `${e.release} entrypoint ${e.name}`, reason: `exposes port ${e.exposedPort} without TLS at the load balancer` });
    }
    return findings;
  }),
);
