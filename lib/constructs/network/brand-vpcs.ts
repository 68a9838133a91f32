import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface BrandVpcsProps {
  /** The three availability zones from the region catalog. Given explicitly so synth never looks them up. */
  readonly zones: readonly string[];
  /** CIDR of the application VPC (ingress, cluster nodes, Aurora). */
  readonly appCidr: string;
  /** CIDR of the MongoDB VPC. */
  readonly mongoCidr: string;
  /** CIDR of the RabbitMQ VPC. */
  readonly rabbitCidr: string;
}

/**
 * The three VPCs of a brand: application, MongoDB and RabbitMQ. The data VPCs
 * have isolated subnets only, so they have no internet gateway and no NAT.
 */
export class BrandVpcs extends Construct {
  /** Application VPC: public (ingress, bastion), workload (private with egress) and database (isolated) subnets. */
  readonly appVpc: ec2.Vpc;
  /** MongoDB VPC: isolated subnets only. */
  readonly mongoVpc: ec2.Vpc;
  /** RabbitMQ VPC: isolated subnets only. */
  readonly rabbitVpc: ec2.Vpc;
  /** For Aurora PostgreSQL in the app VPC: 5432 from the workload subnets only; no egress. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** For MongoDB (DocumentDB) in the MongoDB VPC: 27017 (TLS) from the app VPC's workload subnets only; no egress. */
  readonly mongoSecurityGroup: ec2.SecurityGroup;
  /** For RabbitMQ (Amazon MQ) in the RabbitMQ VPC: 5671 (AMQPS) from the workload subnets only; no egress. */
  readonly rabbitSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: BrandVpcsProps) {
    super(scope, id);
    if (props.zones.length !== 3) {
      throw new Error(`BrandVpcs: 'zones' must list three availability zones (got ${props.zones.join(', ') || 'none'})`);
    }
    const availabilityZones = [...props.zones];

    this.appVpc = new ec2.Vpc(this, 'AppVpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.appCidr),
      availabilityZones,
      // One NAT gateway per zone: losing a zone must not cut the others' egress.
      natGateways: 3,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'Database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
    });

    const dataVpc = (vpcId: string, cidr: string) =>
      new ec2.Vpc(this, vpcId, {
        ipAddresses: ec2.IpAddresses.cidr(cidr),
        availabilityZones,
        natGateways: 0,
        restrictDefaultSecurityGroup: true,
        subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
      });
    this.mongoVpc = dataVpc('MongoVpc', props.mongoCidr);
    this.rabbitVpc = dataVpc('RabbitVpc', props.rabbitCidr);

    // Data services only answer; they never open connections, so no egress rule.
    const dataSecurityGroup = (groupId: string, vpc: ec2.IVpc, description: string, port: number, service: string) => {
      const group = new ec2.SecurityGroup(this, groupId, { vpc, description, allowAllOutbound: false });
      for (const subnet of this.workloadSubnets.subnets) {
        group.addIngressRule(ec2.Peer.ipv4(subnet.ipv4CidrBlock), ec2.Port.tcp(port), `${service} from workload subnet ${subnet.availabilityZone}`);
      }
      return group;
    };
    this.databaseSecurityGroup = dataSecurityGroup('DatabaseSecurityGroup', this.appVpc, 'Aurora PostgreSQL: 5432 from workload subnets only', 5432, 'PostgreSQL (TLS)');
    this.mongoSecurityGroup = dataSecurityGroup('MongoSecurityGroup', this.mongoVpc, 'MongoDB: 27017 (TLS) from app workload subnets only', 27017, 'MongoDB (TLS)');
    this.rabbitSecurityGroup = dataSecurityGroup('RabbitSecurityGroup', this.rabbitVpc, 'RabbitMQ: 5671 (AMQPS) from app workload subnets only', 5671, 'AMQPS');
  }

  /** The subnets that run workloads (EKS nodes); the only ones routed to the data VPCs. */
  get workloadSubnets(): ec2.SelectedSubnets {
    return this.appVpc.selectSubnets({ subnetGroupName: 'Workload' });
  }
}
