/** Every security group ingress rule, inline and standalone (AWS::EC2::SecurityGroupIngress). */
import { describeValue, referencedId, stripHash } from '../../naming';
import type { CfnIngressRule, TemplateView } from '../../template';
import type { IngressRuleFacts, PortRange, RuleSource } from './types';

/** A security group by reference: its name, or the value as text when it is not in the stack. */
export function securityGroupName(view: TemplateView, reference: unknown): string {
  const id = referencedId(reference);
  return id ? stripHash(id) : describeValue(view, reference);
}

export function ingressRuleFacts(view: TemplateView): IngressRuleFacts[] {
  const rules: IngressRuleFacts[] = [];
  for (const [id, group] of view.ofType('AWS::EC2::SecurityGroup')) {
    for (const rule of group.Properties?.SecurityGroupIngress ?? []) rules.push(ruleFacts(view, stripHash(id), rule));
  }
  for (const [, rule] of view.ofType('AWS::EC2::SecurityGroupIngress')) {
    rules.push(ruleFacts(view, securityGroupName(view, rule.Properties?.GroupId), rule.Properties ?? {}));
  }
  return rules;
}

function ruleFacts(view: TemplateView, securityGroup: string, rule: CfnIngressRule): IngressRuleFacts {
  const protocol = String(rule.IpProtocol);
  return { securityGroup, protocol: protocol === '-1' ? 'all' : protocol, ports: portRange(protocol, rule.FromPort, rule.ToPort), source: sourceOf(view, rule) };
}

/** EC2 reads protocol -1 as all traffic on all ports, whatever the ports say. */
function portRange(protocol: string, from: number | undefined, to: number | undefined): PortRange {
  if (protocol === '-1' || from === undefined) return 'all';
  return { from, to: to ?? from };
}

function sourceOf(view: TemplateView, rule: CfnIngressRule): RuleSource {
  if (rule.CidrIp !== undefined) return { kind: 'cidr', cidr: describeValue(view, rule.CidrIp) };
  if (rule.CidrIpv6 !== undefined) return { kind: 'cidr', cidr: describeValue(view, rule.CidrIpv6) };
  if (rule.SourceSecurityGroupId !== undefined) return { kind: 'security-group', group: securityGroupName(view, rule.SourceSecurityGroupId) };
  if (rule.SourcePrefixListId !== undefined) return { kind: 'prefix-list', prefixList: describeValue(view, rule.SourcePrefixListId) };
  return { kind: 'unknown' };
}
