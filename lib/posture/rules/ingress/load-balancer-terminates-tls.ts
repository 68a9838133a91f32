import { postureRule } from '../rule';
import type { Finding } from '../rule';

/** ELB security policies that negotiate TLS 1.3 and 1.2 only. */
const TLS13_POLICY = /^ELBSecurityPolicy-TLS13-1-2-/;

/**
 * The ingress load balancer terminates TLS on every port it exposes, with a TLS
 * 1.3/1.2-only security policy; no entrypoint exposes a port without TLS. A certificate
 * the stack issues is validated by DNS through a hosted zone, so ACM writes and renews
 * it with no one in the loop; without a zone for a name, CloudFormation waits for a
 * record someone must add by hand, up to 72 hours
 * (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html). A brand's
 * pre-issued certificate (dns.certificates) is the brand's to renew; the posture names it.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
 */
export const LoadBalancerTerminatesTls = postureRule('ingress/load-balancer-terminates-tls', 'The ingress load balancer terminates TLS 1.2+ on every exposed port, with a certificate that needs no manual step.', (facts) =>
  (facts.cluster?.ingress.controllers ?? []).flatMap(({ loadBalancer: lb, entrypoints }): Finding[] => {
    const tlsPorts = (lb.tlsPorts ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const findings: Finding[] = [];
    if (!tlsPorts.length) findings.push({ resource: lb.release, reason: 'the load balancer terminates TLS on no port' });
    if (lb.certificate.kind === 'none') findings.push({ resource: lb.release, reason: 'no certificate' });
    else if (lb.certificate.kind === 'acm') {
      const cert = lb.certificate;
      if (cert.validation !== 'DNS') findings.push({ resource: lb.release, reason: `certificate validated by ${cert.validation}, not DNS` });
      else {
        for (const name of [cert.domain, ...(cert.alternativeNames ?? [])]) {
          if (!cert.validationZones?.some((v) => v.domain === name && v.zone)) {
            findings.push({ resource: lb.release, reason: `no hosted zone validates ${name}: its validation record would have to be added by hand` });
          }
        }
      }
    }
    if (!TLS13_POLICY.test(lb.sslPolicy ?? '')) findings.push({ resource: lb.release, reason: `TLS policy ${lb.sslPolicy ?? 'the default'} allows versions before TLS 1.2` });
    for (const e of entrypoints) {
      if (!tlsPorts.includes(String(e.exposedPort))) findings.push({ resource: `${e.release} entrypoint ${e.name}`, reason: `exposes port ${e.exposedPort} without TLS at the load balancer` });
    }
    return findings;
  }),
);
