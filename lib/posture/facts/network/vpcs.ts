/** VPCs, their subnets and flow logs. */
import { describeValue, keyOf, referencedId, stripHash } from '../../naming';
import type { TemplateView, TypedResource } from '../../template';
import type { FlowLogDestination, SubnetFacts, SubnetRef, VpcFacts, VpcRef } from './types';

/** The CDK subnet group (`Workload`, `Data` ...) a subnet belongs to, from the tag CDK puts on it. */
function subnetGroup(subnetId: string, subnet: TypedResource<'AWS::EC2::Subnet'>): string {
  return subnet.Properties?.Tags?.find((tag) => tag.Key === 'aws-cdk:subnet-name')?.Value ?? stripHash(subnetId);
}

export function subnetFacts(view: TemplateView, subnetId: string, subnet: TypedResource<'AWS::EC2::Subnet'>): SubnetFacts {
  const vpc = referencedId(subnet.Properties?.VpcId);
  return {
    logicalId: subnetId,
    vpc: vpc ? stripHash(vpc) : 'unknown VPC',
    group: subnetGroup(subnetId, subnet),
    zone: describeValue(view, subnet.Properties?.AvailabilityZone),
    cidr: describeValue(view, subnet.Properties?.CidrBlock),
    mapPublicIpOnLaunch: subnet.Properties?.MapPublicIpOnLaunch === true,
  };
}

/** A subnet of the stack by reference; null when the reference names none. */
export function subnetRef(view: TemplateView, reference: unknown): SubnetRef | null {
  const id = referencedId(reference);
  const subnet = view.getOfType(id, 'AWS::EC2::Subnet');
  if (!id || !subnet) return null;
  const { vpc, group, zone, cidr } = subnetFacts(view, id, subnet);
  return { vpc, group, zone, cidr };
}

/** A VPC by reference: its name and CIDR when it is in the stack. */
export function vpcRef(view: TemplateView, reference: unknown): VpcRef {
  const id = referencedId(reference);
  const vpc = view.getOfType(id, 'AWS::EC2::VPC');
  return id && vpc ? { name: stripHash(id), cidr: describeValue(view, vpc.Properties?.CidrBlock) } : { name: describeValue(view, reference) };
}

export function vpcFacts(view: TemplateView): VpcFacts[] {
  const attached = new Set(
    view
      .ofType('AWS::EC2::VPCGatewayAttachment')
      .filter(([, a]) => a.Properties?.InternetGatewayId)
      .map(([, a]) => referencedId(a.Properties?.VpcId)),
  );
  const restricted = new Set(view.ofType('Custom::VpcRestrictDefaultSG').map(([, r]) => referencedId(r.Properties?.DefaultSecurityGroupId)));
  return view.ofType('AWS::EC2::VPC').map(([id, vpc]) => ({
    logicalId: id,
    name: stripHash(id),
    cidr: describeValue(view, vpc.Properties?.CidrBlock),
    internetGateway: attached.has(id),
    subnets: view
      .ofType('AWS::EC2::Subnet')
      .filter(([, subnet]) => referencedId(subnet.Properties?.VpcId) === id)
      .map(([subnetId, subnet]) => subnetFacts(view, subnetId, subnet)),
    flowLogs: view
      .ofType('AWS::EC2::FlowLog')
      .filter(([, flowLog]) => referencedId(flowLog.Properties?.ResourceId) === id)
      .map(([, flowLog]) => ({ trafficType: String(flowLog.Properties?.TrafficType), destination: flowLogDestination(view, flowLog) })),
    // The default group's id is a GetAtt of the VPC (DefaultSecurityGroup).
    defaultSecurityGroupRestricted: restricted.has(id),
  }));
}

function flowLogDestination(view: TemplateView, flowLog: TypedResource<'AWS::EC2::FlowLog'>): FlowLogDestination {
  const groupName = flowLog.Properties?.LogGroupName;
  const groupId = referencedId(groupName);
  const group = view.getOfType(groupId, 'AWS::Logs::LogGroup');
  if (!groupId || !group) {
    return flowLog.Properties?.LogDestinationType === 's3'
      ? { kind: 's3', target: describeValue(view, flowLog.Properties?.LogDestination) }
      : { kind: 'other', target: describeValue(view, groupName) };
  }
  const key = group.Properties?.KmsKeyId;
  return { kind: 'log-group', name: stripHash(groupId), key: key === undefined ? undefined : keyOf(view, key), retentionDays: group.Properties?.RetentionInDays };
}
