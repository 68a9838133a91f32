import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { parseCidr } from '../../config/cidr';
import { VpcPeering } from './vpc-peering';

/** A host outside the data VPC that may reach one management port in it (the bastion). */
export interface ManagementHost {
  /** Names the host in rule descriptions and route ids. */
  readonly hostName: string;
  /** The subnet the host runs in; its route table gets a route to the data subnets. */
  readonly subnet: ec2.ISubnet;
  /** The host's private address as a /32 CIDR. */
  readonly privateCidr: string;
  /** The host's security group, referenced across the peering. */
  readonly securityGroupId: string;
}

export interface PeeredDataVpcProps {
  /** The three availability zones from the region catalog. */
  readonly zones: readonly string[];
  /** CIDR of this data VPC, /16 to /24; each zone gets a quarter of it. */
  readonly cidr: string;
  /** The application VPC this VPC is peered with. */
  readonly appVpc: ec2.IVpc;
  /** Application subnets that are clients of the service: the only ones routed here and admitted by the security group. */
  readonly clientSubnets: readonly ec2.ISubnet[];
  /** The service's TLS port (27017 for MongoDB, 5671 for AMQPS). */
  readonly servicePort: number;
  /** The service, for rule descriptions, e.g. 'MongoDB (TLS)'. */
  readonly serviceName: string;
  /**
   * Resolve DNS names across the peering.
   * @default true
   */
  readonly dnsResolution?: boolean;
}

/** The ephemeral range AWS recommends a network ACL admits for return traffic (clients pick their source port in it). */
const EPHEMERAL_PORTS = ec2.AclTraffic.tcpPortRange(1024, 65535);

/**
 * A VPC for one data service (MongoDB or RabbitMQ): isolated subnets in three
 * zones (no internet gateway, no NAT), peered with the application VPC.
 * Three layers admit only application clients: routes exist only to the
 * client subnets, the network ACL admits only the application VPC (and the
 * return traffic to it), and the security group admits only the service's
 * TLS port from the client subnets.
 */
export class PeeredDataVpc extends Construct {
  readonly vpc: ec2.Vpc;
  /** Attach the service (DocumentDB, Amazon MQ) to this group. It has no egress: the service only answers. */
  readonly securityGroup: ec2.SecurityGroup;
  readonly peering: VpcPeering;
  private readonly acl: ec2.NetworkAcl;
  private nextAclRule = 200;
  private readonly routedHosts = new Set<string>();

  constructor(scope: Construct, id: string, props: PeeredDataVpcProps) {
    super(scope, id);
    const cidr = parseCidr(props.cidr);
    if (typeof cidr === 'string') throw new Error(`PeeredDataVpc ${id}: 'cidr' '${props.cidr}' ${cidr}`);
    if (cidr.prefix < 16 || cidr.prefix > 24) throw new Error(`PeeredDataVpc ${id}: 'cidr' '${props.cidr}' must be /16 to /24`);
    if (props.zones.length !== 3) throw new Error(`PeeredDataVpc ${id}: 'zones' must list three availability zones (got ${props.zones.join(', ') || 'none'})`);
    if (props.clientSubnets.length === 0) throw new Error(`PeeredDataVpc ${id}: 'clientSubnets' must name at least one subnet`);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.zones],
      natGateways: 0,
      restrictDefaultSecurityGroup: true,
      // Isolated subnets only: CDK creates no internet gateway for such a VPC.
      subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: cidr.prefix + 2 }],
    });
    const dataSubnets = this.vpc.isolatedSubnets;

    this.peering = new VpcPeering(this, 'Peering', {
      requesterVpc: props.appVpc,
      requesterSubnets: props.clientSubnets,
      accepterVpc: this.vpc,
      accepterSubnets: dataSubnets,
      dnsResolution: props.dnsResolution,
    });

    // Network ACLs are stateless: admit the service port from the application
    // VPC and let the answers go back to its ephemeral ports; nothing else.
    this.acl = new ec2.NetworkAcl(this, 'Acl', { vpc: this.vpc, subnetSelection: { subnets: dataSubnets } });
    this.acl.addEntry('ServiceFromApp', {
      ruleNumber: 100,
      cidr: ec2.AclCidr.ipv4(props.appVpc.vpcCidrBlock),
      traffic: ec2.AclTraffic.tcpPort(props.servicePort),
      direction: ec2.TrafficDirection.INGRESS,
      ruleAction: ec2.Action.ALLOW,
    });
    this.acl.addEntry('RepliesToApp', {
      ruleNumber: 100,
      cidr: ec2.AclCidr.ipv4(props.appVpc.vpcCidrBlock),
      traffic: EPHEMERAL_PORTS,
      direction: ec2.TrafficDirection.EGRESS,
      ruleAction: ec2.Action.ALLOW,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: this.vpc,
      description: `${props.serviceName}: ${props.servicePort} from application workload subnets only`,
      allowAllOutbound: false,
    });
    for (const subnet of props.clientSubnets) {
      this.securityGroup.addIngressRule(ec2.Peer.ipv4(subnet.ipv4CidrBlock), ec2.Port.tcp(props.servicePort), `${props.serviceName} from ${subnet.node.id} (${subnet.availabilityZone})`);
    }
  }

  /**
   * Lets one host reach one management port (the RabbitMQ console from the
   * bastion): a route pair for that host only, a network ACL entry and a
   * security group rule for its /32, and the matching egress on the host.
   */
  allowManagementFrom(host: ManagementHost, port: number, description: string): void {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`PeeredDataVpc ${this.node.id}: 'port' must be a TCP port (got ${port})`);
    if (!this.routedHosts.has(host.hostName)) this.peering.routeSubnet(host.hostName, host.subnet, host.privateCidr);
    this.routedHosts.add(host.hostName);
    this.acl.addEntry(`ManagementFrom${host.hostName}${port}`, {
      ruleNumber: this.nextAclRule,
      cidr: ec2.AclCidr.ipv4(host.privateCidr),
      traffic: ec2.AclTraffic.tcpPort(port),
      direction: ec2.TrafficDirection.INGRESS,
      ruleAction: ec2.Action.ALLOW,
    });
    this.nextAclRule += 10;
    // Security groups of a same-region peered VPC can be referenced once the
    // peering is active: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html
    const ingress = new ec2.CfnSecurityGroupIngress(this, `ManagementFrom${host.hostName}${port}`, {
      groupId: this.securityGroup.securityGroupId,
      sourceSecurityGroupId: host.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: `${description} from ${host.hostName} only`,
    });
    const egress = new ec2.CfnSecurityGroupEgress(this, `ManagementTo${this.node.id}${port}`, {
      groupId: host.securityGroupId,
      destinationSecurityGroupId: this.securityGroup.securityGroupId,
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      description: `${description} in ${this.node.id}`,
    });
    ingress.node.addDependency(this.peering.peeringConnection);
    egress.node.addDependency(this.peering.peeringConnection);
  }
}
