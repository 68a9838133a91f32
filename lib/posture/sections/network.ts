/**
 * The network: VPCs and their CIDRs, peerings and the routes over them, every
 * security group ingress rule and network ACL entry, and what the internet
 * can reach. Built from the template alone, so it states what is deployed.
 */
import type { CfnResource, PostureInput, TemplateView } from '../template';

export interface VpcPosture {
  readonly vpc: string;
  readonly cidr: string;
  /** Whether an internet gateway is attached. */
  readonly internetGateway: boolean;
  /** `<group> <cidr> <zone>`, plus `public IPs on launch` when subnets assign them. */
  readonly subnets: string[];
  /** `<traffic> to <log group> (<key>, <days> days)`, one per flow log. */
  readonly flowLogs: string[];
  /** The default security group's rules are removed at deploy time. */
  readonly defaultSecurityGroupRestricted: boolean;
}

export interface PeeringPosture {
  readonly peering: string;
  readonly requester: string;
  readonly accepter: string;
  /** Both sides resolve the other's DNS host names to private addresses. */
  readonly dnsResolution: boolean;
  /** `<subnet> -> <destination>` for every route over the peering. */
  readonly routes: string[];
}

export interface IngressRule {
  readonly securityGroup: string;
  readonly protocol: string;
  /** `443`, `1024-65535` or `all`. */
  readonly ports: string;
  /** A CIDR, `sg:<group>` or `prefix-list:<id>`. */
  readonly source: string;
}

export interface NetworkAclPosture {
  readonly acl: string;
  readonly subnets: string[];
  /** `<ingress|egress> <rule> <allow|deny> <protocol> <ports> <from|to> <cidr>`. */
  readonly entries: string[];
}

export interface NetworkPosture {
  readonly vpcs: VpcPosture[];
  readonly peerings: PeeringPosture[];
  /**
   * Every ingress rule, inline and standalone (AWS::EC2::SecurityGroupIngress),
   * as `<security group>: <protocol> <ports> from <source>`.
   */
  readonly ingress: string[];
  readonly networkAcls: NetworkAclPosture[];
  /**
   * What the internet can reach: rules admitting 0.0.0.0/0 or ::/0, hosts with
   * a public address (and what they admit), internet-facing load balancers and
   * public API endpoints, subnets that hand out public addresses.
   */
  readonly internetReachable: string[];
  /** `<instance or launch template>: IMDSv2 required|IMDSv1 allowed`, for every one in the stack. */
  readonly instanceMetadata: string[];
}

const WORLD = new Set(['0.0.0.0/0', '::/0']);

export function networkPosture(input: PostureInput): NetworkPosture {
  const view = new NamedView(input.template);
  const ingress = ingressRules(view);
  return {
    vpcs: vpcs(view),
    peerings: peerings(view),
    ingress: ingress.map(formatRule),
    networkAcls: networkAcls(view),
    internetReachable: internetReachable(view, ingress),
    instanceMetadata: instanceMetadata(view),
  };
}

function instanceMetadata(view: NamedView): string[] {
  const required = (options: any) => (options?.HttpTokens === 'required' ? 'IMDSv2 required' : 'IMDSv1 allowed');
  const templates = new Map(view.template.ofType('AWS::EC2::LaunchTemplate'));
  const lines = [...templates].map(([id, t]) => `${view.name(id)}: ${required(t.Properties?.LaunchTemplateData?.MetadataOptions)}`);
  for (const [id, instance] of view.template.ofType('AWS::EC2::Instance')) {
    const own = instance.Properties?.MetadataOptions;
    const viaTemplate = templates.get(view.template.referenceOf(instance.Properties?.LaunchTemplate?.LaunchTemplateId) ?? '');
    lines.push(`${view.name(id)}: ${required(own ?? viaTemplate?.Properties?.LaunchTemplateData?.MetadataOptions)}`);
  }
  return lines;
}

/** Every ingress rule of the template, inline or standalone, in a stable order. */
export function ingressRules(view: NamedView): IngressRule[] {
  const rules: IngressRule[] = [];
  const add = (groupId: string, rule: Record<string, any>) => {
    rules.push({
      securityGroup: view.name(groupId),
      protocol: protocolOf(rule.IpProtocol),
      ports: portsOf(rule.IpProtocol, rule.FromPort, rule.ToPort),
      source: sourceOf(view, rule),
    });
  };
  for (const [id, group] of view.template.ofType('AWS::EC2::SecurityGroup')) {
    for (const rule of group.Properties?.SecurityGroupIngress ?? []) add(id, rule);
  }
  for (const [, rule] of view.template.ofType('AWS::EC2::SecurityGroupIngress')) {
    const groupId = view.template.referenceOf(rule.Properties?.GroupId);
    add(groupId ?? view.render(rule.Properties?.GroupId), rule.Properties ?? {});
  }
  return rules.sort((a, b) => `${a.securityGroup} ${a.ports} ${a.source}`.localeCompare(`${b.securityGroup} ${b.ports} ${b.source}`));
}

export function formatRule(rule: IngressRule): string {
  return `${rule.securityGroup}: ${rule.protocol} ${rule.ports} from ${rule.source}`;
}

/** The inverse of formatRule, for checks over the posture model. */
export function parseRule(line: string): IngressRule {
  const match = /^(\S+): (\S+) (\S+) from (\S+)$/.exec(line);
  if (!match) throw new Error(`not an ingress rule line: ${line}`);
  return { securityGroup: match[1], protocol: match[2], ports: match[3], source: match[4] };
}

function vpcs(view: NamedView): VpcPosture[] {
  const attached = new Set(view.template.ofType('AWS::EC2::VPCGatewayAttachment').filter(([, a]) => a.Properties?.InternetGatewayId).map(([, a]) => view.template.referenceOf(a.Properties?.VpcId)));
  const restricted = new Set(view.template.ofType('Custom::VpcRestrictDefaultSG').map(([, r]) => view.template.referenceOf(r.Properties?.DefaultSecurityGroupId)));
  return view.template.ofType('AWS::EC2::VPC').map(([id, vpc]) => {
    const subnets = view.template
      .ofType('AWS::EC2::Subnet')
      .filter(([, subnet]) => view.template.referenceOf(subnet.Properties?.VpcId) === id)
      .map(([subnetId, subnet]) => `${view.subnetGroup(subnetId)} ${subnet.Properties?.CidrBlock} ${subnet.Properties?.AvailabilityZone}${subnet.Properties?.MapPublicIpOnLaunch === true ? ' public IPs on launch' : ''}`);
    const flowLogs = view.template
      .ofType('AWS::EC2::FlowLog')
      .filter(([, flowLog]) => view.template.referenceOf(flowLog.Properties?.ResourceId) === id)
      .map(([, flowLog]) => `${flowLog.Properties?.TrafficType} to ${logDestination(view, flowLog)}`);
    return {
      vpc: view.name(id),
      cidr: String(vpc.Properties?.CidrBlock),
      internetGateway: attached.has(id),
      subnets,
      flowLogs,
      defaultSecurityGroupRestricted: restricted.has(id),
    };
  });
}

function logDestination(view: NamedView, flowLog: CfnResource): string {
  const groupName = flowLog.Properties?.LogGroupName;
  const groupId = view.template.referenceOf(groupName);
  const group = groupId ? view.template.get(groupId) : undefined;
  if (!group) return flowLog.Properties?.LogDestinationType === 's3' ? `S3 ${view.render(flowLog.Properties?.LogDestination)}` : view.render(groupName);
  const key = group.Properties?.KmsKeyId ? `encrypted with ${view.render(group.Properties.KmsKeyId)}` : 'NOT encrypted with a KMS key';
  return `log group ${view.name(groupId!)} (${key}, ${group.Properties?.RetentionInDays ?? 'unlimited'} days)`;
}

function peerings(view: NamedView): PeeringPosture[] {
  const dnsCalls = view.template.ofType('Custom::AWS').map(([, r]) => view.render(r.Properties?.Create));
  return view.template.ofType('AWS::EC2::VPCPeeringConnection').map(([id, peering]) => {
    const name = view.name(id);
    const dnsResolution = dnsCalls.some(
      (call) =>
        call.includes('"action":"ModifyVpcPeeringConnectionOptions"') &&
        call.includes(`"VpcPeeringConnectionId":"${name}"`) &&
        call.includes('"AccepterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":true}') &&
        call.includes('"RequesterPeeringConnectionOptions":{"AllowDnsResolutionFromRemoteVpc":true}'),
    );
    const routes = view.template
      .ofType('AWS::EC2::Route')
      .filter(([, route]) => view.template.referenceOf(route.Properties?.VpcPeeringConnectionId) === id)
      .map(([, route]) => `${view.routeTableSubnets(route.Properties?.RouteTableId)} -> ${view.destinationLabel(route.Properties?.DestinationCidrBlock ?? route.Properties?.DestinationIpv6CidrBlock)}`)
      .sort();
    return {
      peering: name,
      requester: view.vpcLabel(peering.Properties?.VpcId),
      accepter: view.vpcLabel(peering.Properties?.PeerVpcId),
      dnsResolution,
      routes,
    };
  });
}

function networkAcls(view: NamedView): NetworkAclPosture[] {
  return view.template.ofType('AWS::EC2::NetworkAcl').map(([id]) => {
    const subnets = view.template
      .ofType('AWS::EC2::SubnetNetworkAclAssociation')
      .filter(([, a]) => view.template.referenceOf(a.Properties?.NetworkAclId) === id)
      .map(([, a]) => view.subnetLabel(view.template.referenceOf(a.Properties?.SubnetId)));
    const entries = view.template
      .ofType('AWS::EC2::NetworkAclEntry')
      .filter(([, e]) => view.template.referenceOf(e.Properties?.NetworkAclId) === id)
      .map(([, e]) => e.Properties ?? {})
      .sort((a, b) => Number(a.Egress === true) - Number(b.Egress === true) || a.RuleNumber - b.RuleNumber)
      .map((e) => {
        const protocol = e.Protocol === -1 ? 'all' : e.Protocol === 6 ? 'tcp' : e.Protocol === 17 ? 'udp' : `protocol ${e.Protocol}`;
        const ports = e.PortRange ? (e.PortRange.From === e.PortRange.To ? `${e.PortRange.From}` : `${e.PortRange.From}-${e.PortRange.To}`) : 'all';
        const direction = e.Egress === true ? 'egress' : 'ingress';
        return `${direction} ${e.RuleNumber} ${e.RuleAction} ${protocol} ${ports} ${e.Egress === true ? 'to' : 'from'} ${view.render(e.CidrBlock ?? e.Ipv6CidrBlock)}`;
      });
    return { acl: view.name(id), subnets: subnets.sort(), entries };
  });
}

function internetReachable(view: NamedView, ingress: IngressRule[]): string[] {
  const reachable: string[] = [];
  for (const rule of ingress) {
    if (WORLD.has(rule.source)) reachable.push(formatRule(rule));
  }

  const elasticIps = new Map<string, string>();
  for (const [id, eip] of view.template.ofType('AWS::EC2::EIP')) {
    const instance = view.template.referenceOf(eip.Properties?.InstanceId);
    if (eip.Properties?.InstanceId && instance) elasticIps.set(instance, id);
  }
  for (const [, association] of view.template.ofType('AWS::EC2::EIPAssociation')) {
    const instance = view.template.referenceOf(association.Properties?.InstanceId);
    const eip = view.template.referenceOf(association.Properties?.AllocationId ?? association.Properties?.EIP);
    if (instance) elasticIps.set(instance, eip ?? 'an Elastic IP');
  }
  const publicSubnets = new Set(view.template.ofType('AWS::EC2::Subnet').filter(([, s]) => s.Properties?.MapPublicIpOnLaunch === true).map(([id]) => id));
  for (const [id, instance] of view.template.ofType('AWS::EC2::Instance')) {
    const interfaces: any[] = instance.Properties?.NetworkInterfaces ?? [];
    const via = elasticIps.has(id)
      ? `Elastic IP ${view.name(elasticIps.get(id)!)}`
      : interfaces.some((i) => i.AssociatePublicIpAddress === true)
        ? 'public IP on launch'
        : publicSubnets.has(view.template.referenceOf(instance.Properties?.SubnetId) ?? '')
          ? 'subnet public IP on launch'
          : undefined;
    if (!via) continue;
    const groups = [...(instance.Properties?.SecurityGroupIds ?? []), ...interfaces.flatMap((i) => i.GroupSet ?? [])].map((g) => view.name(view.template.referenceOf(g) ?? view.render(g)));
    const admits = ingress.filter((rule) => groups.includes(rule.securityGroup)).map((rule) => `${rule.protocol} ${rule.ports} from ${rule.source}`);
    reachable.push(`${view.name(id)} (public via ${via}) admits ${admits.length ? admits.join(', ') : 'nothing'}`);
  }

  for (const [id, lb] of view.template.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    if ((lb.Properties?.Scheme ?? 'internet-facing') === 'internet-facing') reachable.push(`${view.name(id)} (internet-facing ${lb.Properties?.Type ?? 'application'} load balancer)`);
  }
  for (const [id, cluster] of view.template.ofType('AWS::EKS::Cluster')) {
    const config = cluster.Properties?.ResourcesVpcConfig ?? {};
    if (config.EndpointPublicAccess !== false) reachable.push(`${view.name(id)} (EKS API endpoint public from ${(config.PublicAccessCidrs ?? ['0.0.0.0/0']).join(', ')})`);
  }
  for (const id of publicSubnets) reachable.push(`${view.subnetLabel(id)} (assigns public IPs on launch)`);
  return reachable;
}

function protocolOf(protocol: unknown): string {
  const p = String(protocol);
  return p === '-1' ? 'all' : p;
}

function portsOf(protocol: unknown, from: unknown, to: unknown): string {
  if (String(protocol) === '-1' || from === undefined) return 'all';
  return from === to ? `${from}` : `${from}-${to}`;
}

function sourceOf(view: NamedView, rule: Record<string, any>): string {
  if (rule.CidrIp !== undefined) return view.render(rule.CidrIp);
  if (rule.CidrIpv6 !== undefined) return view.render(rule.CidrIpv6);
  if (rule.SourceSecurityGroupId !== undefined) return `sg:${view.name(view.template.referenceOf(rule.SourceSecurityGroupId) ?? view.render(rule.SourceSecurityGroupId))}`;
  if (rule.SourcePrefixListId !== undefined) return `prefix-list:${view.render(rule.SourcePrefixListId)}`;
  return 'unknown';
}

/** Logical ids without CDK's hash suffixes, and intrinsics rendered readably. */
export class NamedView {
  constructor(readonly template: TemplateView) {}

  /** `NetworkMongoSecurityGroupC437F92C` -> `NetworkMongoSecurityGroup`. */
  name(logicalId: string): string {
    return logicalId.replace(/(?<=.)[0-9A-F]{8}([0-9a-f]{16})?$/, '');
  }

  /** A value as text: literals as they are, references by name, a VPC's CidrBlock by its value. */
  render(value: unknown): string {
    if (value === undefined || value === null) return 'none';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
    const v = value as Record<string, any>;
    if (typeof v.Ref === 'string') {
      if (v.Ref.startsWith('AWS::')) return v.Ref;
      return this.template.get(v.Ref)?.Type === 'AWS::KMS::Key' ? this.keyLabel(v.Ref) : this.name(v.Ref);
    }
    if (Array.isArray(v['Fn::GetAtt'])) {
      const [id, attribute] = v['Fn::GetAtt'];
      const target = this.template.get(id);
      if (target?.Type === 'AWS::EC2::VPC' && attribute === 'CidrBlock') return String(target.Properties?.CidrBlock);
      if (target?.Type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') return this.name(id);
      if (target?.Type === 'AWS::KMS::Key') return this.keyLabel(id);
      return `${this.name(id)}.${attribute}`;
    }
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'];
      return (parts as unknown[]).map((part) => this.render(part)).join(separator);
    }
    return JSON.stringify(value);
  }

  /** A KMS key by its alias (`alias/brandstack/acme/platform`), else its name. */
  keyLabel(keyId: string): string {
    const alias = this.template.ofType('AWS::KMS::Alias').find(([, a]) => this.template.referenceOf(a.Properties?.TargetKeyId) === keyId);
    return alias ? String(alias[1].Properties?.AliasName) : this.name(keyId);
  }

  /** The CDK subnet group (`Workload`, `Data` ...) a subnet belongs to. */
  subnetGroup(subnetId: string): string {
    const tags: Array<{ Key: string; Value: string }> = this.template.get(subnetId)?.Properties?.Tags ?? [];
    return tags.find((tag) => tag.Key === 'aws-cdk:subnet-name')?.Value ?? this.name(subnetId);
  }

  /** `<vpc>/<group> <zone> (<cidr>)`, e.g. `NetworkAppVpc/Workload eu-central-1a (10.10.0.0/18)`. */
  subnetLabel(subnetId: string | undefined): string {
    const subnet = subnetId ? this.template.get(subnetId) : undefined;
    if (!subnetId || !subnet) return 'unknown subnet';
    const vpc = this.template.referenceOf(subnet.Properties?.VpcId);
    return `${vpc ? this.name(vpc) : 'unknown VPC'}/${this.subnetGroup(subnetId)} ${subnet.Properties?.AvailabilityZone} (${subnet.Properties?.CidrBlock})`;
  }

  /** A route destination, with the subnet it is when it is exactly one subnet's CIDR. */
  destinationLabel(value: unknown): string {
    const cidr = this.render(value);
    const subnet = this.template.ofType('AWS::EC2::Subnet').find(([, s]) => s.Properties?.CidrBlock === cidr);
    return subnet ? this.subnetLabel(subnet[0]) : cidr;
  }

  vpcLabel(vpcRef: unknown): string {
    const id = this.template.referenceOf(vpcRef);
    const vpc = id ? this.template.get(id) : undefined;
    return vpc ? `${this.name(id!)} (${vpc.Properties?.CidrBlock})` : this.render(vpcRef);
  }

  /** The subnets associated with a route table, as labels. */
  routeTableSubnets(routeTableRef: unknown): string {
    const routeTable = this.template.referenceOf(routeTableRef);
    const subnets = this.template
      .ofType('AWS::EC2::SubnetRouteTableAssociation')
      .filter(([, a]) => this.template.referenceOf(a.Properties?.RouteTableId) === routeTable)
      .map(([, a]) => this.subnetLabel(this.template.referenceOf(a.Properties?.SubnetId)));
    return subnets.length ? subnets.join(' + ') : `route table ${this.render(routeTableRef)}`;
  }
}
