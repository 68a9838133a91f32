import { postureRule } from '../rule';
import { portText, WORLD_CIDRS } from './ports';

/**
 * No security group admits traffic from the whole internet (0.0.0.0/0 or ::/0).
 * The only public entry, the ingress load balancer, is created by EKS Auto Mode
 * from the Traefik Service with its own security group, and the bastion admits
 * SSH from the VPN range only. AWS Foundational Security Best Practices EC2.18/EC2.19:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html
 */
export const NoWorldOpenIngress = postureRule('network/no-world-open-ingress', 'No security group ingress rule admits 0.0.0.0/0 or ::/0.', (facts) =>
  facts.network.ingressRules
    .filter((rule) => rule.source.kind === 'cidr' && WORLD_CIDRS.includes(rule.source.cidr))
    .map((rule) => ({ resource: rule.securityGroup, reason: `admits ${rule.protocol} ${portText(rule.ports)} from ${rule.source.kind === 'cidr' ? rule.source.cidr : ''}` })),
);
