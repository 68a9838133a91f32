/** VPC peerings: the two sides, cross-VPC DNS resolution, and every route over the peering. */
import { describeValue, referencedId, stripHash, templateText } from '../../naming';
import type { TemplateView } from '../../template';
import type { PeeringFacts, PeeringRoute, SubnetRef } from './types';
import { subnetFacts, subnetRef, vpcRef } from './vpcs';

export function peeringFacts(view: TemplateView): PeeringFacts[] {
  const dnsResolved = dnsResolvedPeerings(view);
  return view.ofType('AWS::EC2::VPCPeeringConnection').map(([id, peering]) => ({
    logicalId: id,
    name: stripHash(id),
    requester: vpcRef(view, peering.Properties?.VpcId),
    accepter: vpcRef(view, peering.Properties?.PeerVpcId),
    dnsResolution: dnsResolved.has(id),
    routes: view
      .ofType('AWS::EC2::Route')
      .filter(([, route]) => referencedId(route.Properties?.VpcPeeringConnectionId) === id)
      .map(([, route]) => peeringRoute(view, route.Properties?.RouteTableId, route.Properties?.DestinationCidrBlock ?? route.Properties?.DestinationIpv6CidrBlock)),
  }));
}

function peeringRoute(view: TemplateView, routeTableRef: unknown, destinationValue: unknown): PeeringRoute {
  const routeTable = referencedId(routeTableRef);
  const subnets = view
    .ofType('AWS::EC2::SubnetRouteTableAssociation')
    .filter(([, a]) => referencedId(a.Properties?.RouteTableId) === routeTable)
    .map(([, a]) => subnetRef(view, a.Properties?.SubnetId));
  const destination = describeValue(view, destinationValue);
  const match = view.ofType('AWS::EC2::Subnet').find(([, s]) => s.Properties?.CidrBlock === destination);
  let destinationSubnet: SubnetRef | undefined;
  if (match) {
    const { vpc, group, zone, cidr } = subnetFacts(view, match[0], match[1]);
    destinationSubnet = { vpc, group, zone, cidr };
  }
  return { from: subnets.length ? subnets : { routeTable: describeValue(view, routeTableRef) }, destination, destinationSubnet };
}

/** The shape of the SDK call a Custom::AWS resource makes, as far as it is read here. */
interface SdkCall {
  readonly action?: string;
  readonly parameters?: {
    readonly VpcPeeringConnectionId?: string;
    readonly AccepterPeeringConnectionOptions?: { readonly AllowDnsResolutionFromRemoteVpc?: boolean };
    readonly RequesterPeeringConnectionOptions?: { readonly AllowDnsResolutionFromRemoteVpc?: boolean };
  };
}

/**
 * Peerings whose DNS resolution both sides turn on. CloudFormation has no
 * property for it, so the stack calls ModifyVpcPeeringConnectionOptions through
 * a Custom::AWS resource, whose `Create` is the call as JSON text:
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcPeeringConnectionOptions.html
 */
function dnsResolvedPeerings(view: TemplateView): Set<string> {
  const resolved = new Set<string>();
  for (const [, resource] of view.ofType('Custom::AWS')) {
    let call: SdkCall;
    try {
      call = JSON.parse(templateText(resource.Properties?.Create)) as SdkCall;
    } catch {
      continue; // not a JSON call: not this one
    }
    const parameters = call.parameters;
    const peering = referencedId(parameters?.VpcPeeringConnectionId);
    if (
      call.action === 'ModifyVpcPeeringConnectionOptions' &&
      peering &&
      parameters?.AccepterPeeringConnectionOptions?.AllowDnsResolutionFromRemoteVpc === true &&
      parameters.RequesterPeeringConnectionOptions?.AllowDnsResolutionFromRemoteVpc === true
    ) {
      resolved.add(peering);
    }
  }
  return resolved;
}
