/** Typed facts of the network: VPCs, peerings, security group and ACL rules, and what has a public address. */
import type { KeyRef } from '../../naming';

/** A subnet as routes, ACLs and exposure name it. */
export interface SubnetRef {
  /** The VPC's logical id without its hash, or `unknown VPC`. */
  readonly vpc: string;
  /** The CDK subnet group (`Workload`, `Data` ...), else the subnet's name. */
  readonly group: string;
  readonly zone: string;
  readonly cidr: string;
}

export interface SubnetFacts extends SubnetRef {
  readonly logicalId: string;
  /** Instances launched in it get a public IPv4 address. */
  readonly mapPublicIpOnLaunch: boolean;
}

export type FlowLogDestination =
  | { readonly kind: 'log-group'; readonly name: string; readonly key?: KeyRef; readonly retentionDays?: number }
  | { readonly kind: 's3'; readonly target: string }
  | { readonly kind: 'other'; readonly target: string };

export interface FlowLogFacts {
  /** ALL, ACCEPT or REJECT. */
  readonly trafficType: string;
  readonly destination: FlowLogDestination;
}

export interface VpcFacts {
  readonly logicalId: string;
  readonly name: string;
  readonly cidr: string;
  /** An internet gateway is attached. */
  readonly internetGateway: boolean;
  /** Its subnets, by logical id. */
  readonly subnets: readonly SubnetFacts[];
  readonly flowLogs: readonly FlowLogFacts[];
  /** The default security group's rules are removed at deploy time (Custom::VpcRestrictDefaultSG). */
  readonly defaultSecurityGroupRestricted: boolean;
}

/** A VPC named by a peering: in the stack (with its CIDR) or outside it. */
export interface VpcRef {
  readonly name: string;
  readonly cidr?: string;
}

export interface PeeringRoute {
  /** The subnets whose route table holds the route; a route table without subnets by its name. */
  readonly from: readonly (SubnetRef | null)[] | { readonly routeTable: string };
  readonly destination: string;
  /** The subnet whose CIDR the destination is exactly, if any. */
  readonly destinationSubnet?: SubnetRef;
}

export interface PeeringFacts {
  readonly logicalId: string;
  readonly name: string;
  readonly requester: VpcRef;
  readonly accepter: VpcRef;
  /** Both sides resolve the other's DNS host names to private addresses. */
  readonly dnsResolution: boolean;
  readonly routes: readonly PeeringRoute[];
}

/** `all`, or an inclusive port range. */
export type PortRange = 'all' | { readonly from: number; readonly to: number };

export type RuleSource =
  | { readonly kind: 'cidr'; readonly cidr: string }
  | { readonly kind: 'security-group'; readonly group: string }
  | { readonly kind: 'prefix-list'; readonly prefixList: string }
  | { readonly kind: 'unknown' };

/** One security group ingress rule, inline or standalone (AWS::EC2::SecurityGroupIngress). */
export interface IngressRuleFacts {
  readonly securityGroup: string;
  /** `all`, `tcp`, `udp`, or the protocol as written. */
  readonly protocol: string;
  readonly ports: PortRange;
  readonly source: RuleSource;
}

export interface AclEntryFacts {
  readonly direction: 'ingress' | 'egress';
  readonly ruleNumber: number;
  readonly action: string;
  /** IANA protocol number; -1 is all. */
  readonly protocol: number;
  readonly ports: PortRange;
  readonly cidr: string;
}

export interface NetworkAclFacts {
  readonly name: string;
  readonly subnets: readonly (SubnetRef | null)[];
  readonly entries: readonly AclEntryFacts[];
}

export type PublicAddress = { readonly kind: 'elastic-ip'; readonly elasticIp: string } | { readonly kind: 'public-ip-on-launch' } | { readonly kind: 'subnet-public-ip-on-launch' };

/** An instance with a public address, and the security groups that decide what reaches it. */
export interface PublicHostFacts {
  readonly name: string;
  readonly via: PublicAddress;
  readonly securityGroups: readonly string[];
}

export interface LoadBalancerFacts {
  readonly name: string;
  /** `internet-facing` (the default) or `internal`. */
  readonly scheme: string;
  readonly type: string;
}

export interface ApiEndpointFacts {
  readonly cluster: string;
  readonly publicAccess: boolean;
  /** CIDRs the public endpoint admits (EKS default: 0.0.0.0/0); none when it is private. */
  readonly publicCidrs: readonly string[];
}

export interface InstanceMetadataFacts {
  readonly name: string;
  readonly kind: 'launch-template' | 'instance';
  /** IMDSv2 required (HttpTokens required), on the instance or through its launch template. */
  readonly imdsv2Required: boolean;
}

export interface NetworkFacts {
  readonly vpcs: readonly VpcFacts[];
  readonly peerings: readonly PeeringFacts[];
  readonly ingressRules: readonly IngressRuleFacts[];
  readonly networkAcls: readonly NetworkAclFacts[];
  readonly publicHosts: readonly PublicHostFacts[];
  readonly loadBalancers: readonly LoadBalancerFacts[];
  readonly apiEndpoints: readonly ApiEndpointFacts[];
  readonly instanceMetadata: readonly InstanceMetadataFacts[];
}
