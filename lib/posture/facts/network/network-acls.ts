/** Network ACLs: the subnets each guards and its entries. */
import { describeValue, referencedId, stripHash } from '../../naming';
import type { TemplateView } from '../../template';
import type { NetworkAclFacts } from './types';
import { subnetRef } from './vpcs';

export function networkAclFacts(view: TemplateView): NetworkAclFacts[] {
  return view.ofType('AWS::EC2::NetworkAcl').map(([id]) => ({
    name: stripHash(id),
    subnets: view
      .ofType('AWS::EC2::SubnetNetworkAclAssociation')
      .filter(([, a]) => referencedId(a.Properties?.NetworkAclId) === id)
      .map(([, a]) => subnetRef(view, a.Properties?.SubnetId)),
    entries: view
      .ofType('AWS::EC2::NetworkAclEntry')
      .filter(([, e]) => referencedId(e.Properties?.NetworkAclId) === id)
      .flatMap(([, e]) => (e.Properties ? [e.Properties] : []))
      .map((e) => ({
        direction: e.Egress === true ? ('egress' as const) : ('ingress' as const),
        ruleNumber: e.RuleNumber,
        action: e.RuleAction,
        protocol: Number(e.Protocol),
        ports: e.PortRange ? { from: e.PortRange.From, to: e.PortRange.To } : ('all' as const),
        cidr: describeValue(view, e.CidrBlock ?? e.Ipv6CidrBlock),
      })),
  }));
}
