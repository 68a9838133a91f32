/** Network lines: VPCs, peerings, every ingress rule and ACL entry, what the internet can reach, IMDS. */
import { keyLabel } from '../naming';
import type { AclEntryFacts, IngressRuleFacts, NetworkFacts, PeeringRoute, PortRange, PublicAddress, RuleSource, SubnetRef, VpcRef } from '../facts/network';

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

/** An ingress rule as a line reads: for checks over the rendered posture that predate the rules. */
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
  /** Every ingress rule, inline and standalone, as `<security group>: <protocol> <ports> from <source>`. */
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

export const WORLD = new Set(['0.0.0.0/0', '::/0']);

export function portsText(ports: PortRange): string {
  return ports === 'all' ? 'all' : ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
}

function sourceText(source: RuleSource): string {
  switch (source.kind) {
    case 'cidr':
      return source.cidr;
    case 'security-group':
      return `sg:${source.group}`;
    case 'prefix-list':
      return `prefix-list:${source.prefixList}`;
    case 'unknown':
      return 'unknown';
  }
}

export function ingressRule(rule: IngressRuleFacts): IngressRule {
  return { securityGroup: rule.securityGroup, protocol: rule.protocol, ports: portsText(rule.ports), source: sourceText(rule.source) };
}

export function formatRule(rule: IngressRule): string {
  return `${rule.securityGroup}: ${rule.protocol} ${rule.ports} from ${rule.source}`;
}

/** The inverse of formatRule, for checks over the rendered posture. */
export function parseRule(line: string): IngressRule {
  const match = /^(\S+): (\S+) (\S+) from (\S+)$/.exec(line);
  if (!match) throw new Error(`not an ingress rule line: ${line}`);
  return { securityGroup: match[1], protocol: match[2], ports: match[3], source: match[4] };
}

/** `<vpc>/<group> <zone> (<cidr>)`, e.g. `NetworkAppVpc/Workload eu-central-1a (10.10.0.0/18)`. */
export function subnetLabel(subnet: SubnetRef | null): string {
  return subnet ? `${subnet.vpc}/${subnet.group} ${subnet.zone} (${subnet.cidr})` : 'unknown subnet';
}

const vpcLabel = (vpc: VpcRef) => (vpc.cidr === undefined ? vpc.name : `${vpc.name} (${vpc.cidr})`);

function routeLine(route: PeeringRoute): string {
  const from = 'routeTable' in route.from ? `route table ${route.from.routeTable}` : route.from.map(subnetLabel).join(' + ');
  return `${from} -> ${route.destinationSubnet ? subnetLabel(route.destinationSubnet) : route.destination}`;
}

function aclProtocol(protocol: number): string {
  return protocol === -1 ? 'all' : protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : `protocol ${protocol}`;
}

function aclEntry(e: AclEntryFacts): string {
  return `${e.direction} ${e.ruleNumber} ${e.action} ${aclProtocol(e.protocol)} ${portsText(e.ports)} ${e.direction === 'egress' ? 'to' : 'from'} ${e.cidr}`;
}

function publicVia(via: PublicAddress): string {
  return via.kind === 'elastic-ip' ? `Elastic IP ${via.elasticIp}` : via.kind === 'public-ip-on-launch' ? 'public IP on launch' : 'subnet public IP on launch';
}

export function renderNetwork(facts: NetworkFacts): NetworkPosture {
  const rules = facts.ingressRules.map(ingressRule).sort((a, b) => `${a.securityGroup} ${a.ports} ${a.source}`.localeCompare(`${b.securityGroup} ${b.ports} ${b.source}`));
  const subnets = facts.vpcs.flatMap((v) => v.subnets).sort((a, b) => a.logicalId.localeCompare(b.logicalId));
  const internetReachable = [
    ...rules.filter((rule) => WORLD.has(rule.source)).map(formatRule),
    ...facts.publicHosts.map((host) => {
      const admits = rules.filter((rule) => host.securityGroups.includes(rule.securityGroup)).map((rule) => `${rule.protocol} ${rule.ports} from ${rule.source}`);
      return `${host.name} (public via ${publicVia(host.via)}) admits ${admits.length ? admits.join(', ') : 'nothing'}`;
    }),
    ...facts.loadBalancers.filter((lb) => lb.scheme === 'internet-facing').map((lb) => `${lb.name} (internet-facing ${lb.type} load balancer)`),
    ...facts.apiEndpoints.filter((e) => e.publicAccess).map((e) => `${e.cluster} (EKS API endpoint public from ${e.publicCidrs.join(', ')})`),
    ...subnets.filter((s) => s.mapPublicIpOnLaunch).map((s) => `${subnetLabel(s)} (assigns public IPs on launch)`),
  ];
  return {
    vpcs: facts.vpcs.map((v) => ({
      vpc: v.name,
      cidr: v.cidr,
      internetGateway: v.internetGateway,
      subnets: v.subnets.map((s) => `${s.group} ${s.cidr} ${s.zone}${s.mapPublicIpOnLaunch ? ' public IPs on launch' : ''}`),
      flowLogs: v.flowLogs.map(({ trafficType, destination: d }) => {
        if (d.kind === 's3') return `${trafficType} to S3 ${d.target}`;
        if (d.kind === 'other') return `${trafficType} to ${d.target}`;
        const key = d.key ? `encrypted with ${keyLabel(d.key)}` : 'NOT encrypted with a KMS key';
        return `${trafficType} to log group ${d.name} (${key}, ${d.retentionDays ?? 'unlimited'} days)`;
      }),
      defaultSecurityGroupRestricted: v.defaultSecurityGroupRestricted,
    })),
    peerings: facts.peerings.map((p) => ({
      peering: p.name,
      requester: vpcLabel(p.requester),
      accepter: vpcLabel(p.accepter),
      dnsResolution: p.dnsResolution,
      routes: p.routes.map(routeLine).sort(),
    })),
    ingress: rules.map(formatRule),
    networkAcls: facts.networkAcls.map((acl) => ({
      acl: acl.name,
      subnets: acl.subnets.map(subnetLabel).sort(),
      entries: [...acl.entries].sort((a, b) => Number(a.direction === 'egress') - Number(b.direction === 'egress') || a.ruleNumber - b.ruleNumber).map(aclEntry),
    })),
    internetReachable,
    instanceMetadata: facts.instanceMetadata.map((m) => `${m.name}: ${m.imdsv2Required ? 'IMDSv2 required' : 'IMDSv1 allowed'}`),
  };
}
