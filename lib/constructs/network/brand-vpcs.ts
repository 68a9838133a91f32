import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { overlaps, parseCidr, type Ipv4Cidr } from '../../config/cidr';
import { PeeredDataVpc, type ManagementHost } from './peered-data-vpc';
import { VpcFlowLog } from './vpc-flow-log';
import { PORTS } from '../../config/ports';

export interface BrandVpcsProps {
  /** The three availability zones from the region catalog. Given explicitly so synth never looks them up. */
  readonly zones: readonly string[];
  /** CIDR of the application VPC (ingress, cluster nodes, Aurora), /16 to /20. */
  readonly appCidr: string;
  /** CIDR of the MongoDB VPC, /16 to /24. */
  readonly mongoCidr: string;
  /** CIDR of the RabbitMQ VPC, /16 to /24. */
  readonly rabbitCidr: string;
  /**
   * Encrypts the flow log groups of the three VPCs.
   * @default a dedicated key with yearly rotation
   */
  readonly flowLogKey?: kms.IKey;
  /**
   * How long flow records are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * What happens to the flow log groups when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly flowLogRemovalPolicy?: RemovalPolicy;
}

/** The subnet groups of the application VPC, by role. */
export const APP_SUBNET_GROUPS = {
  /** EKS nodes and pods: private, egress through one NAT gateway per zone. */
  workload: 'Workload',
  /** Ingress load balancers, the bastion and the NAT gateways. */
  public: 'Public',
  /** Aurora: isolated, no route out of the VPC except the peerings' return paths. */
  database: 'Database',
} as const;

/**
 * The three VPCs of a brand: application, MongoDB and RabbitMQ. The data VPCs
 * are peered with the application VPC only (never with each other) and have
 * isolated subnets only, so they have no internet gateway and no NAT. Every
 * VPC records its flow logs.
 */
export class BrandVpcs extends Construct {
  /** Application VPC: public (ingress, bastion), workload (private with egress) and database (isolated) subnets. */
  readonly appVpc: ec2.Vpc;
  /** The MongoDB VPC, its peering and its security group. */
  readonly mongo: PeeredDataVpc;
  /** The RabbitMQ VPC, its peering and its security group. */
  readonly rabbit: PeeredDataVpc;
  /** For Aurora PostgreSQL in the app VPC: 5432 from the workload subnets only; no egress. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** Flow logs of the app, MongoDB and RabbitMQ VPCs. */
  readonly flowLogs: readonly VpcFlowLog[];

  constructor(scope: Construct, id: string, props: BrandVpcsProps) {
    super(scope, id);
    if (props.zones.length !== 3) {
      throw new Error(`BrandVpcs: 'zones' must list three availability zones (got ${props.zones.join(', ') || 'none'})`);
    }
    const app = requireCidr('appCidr', props.appCidr, 16, 20);
    const named: Array<[string, Ipv4Cidr]> = [
      ['appCidr', app],
      ['mongoCidr', requireCidr('mongoCidr', props.mongoCidr, 16, 24)],
      ['rabbitCidr', requireCidr('rabbitCidr', props.rabbitCidr, 16, 24)],
    ];
    for (let i = 0; i < named.length; i++) {
      for (let j = i + 1; j < named.length; j++) {
        if (overlaps(named[i][1], named[j][1])) {
          throw new Error(`BrandVpcs: '${named[i][0]}' (${named[i][1].text}) overlaps '${named[j][0]}' (${named[j][1].text}); peered VPCs must not overlap`);
        }
      }
    }
    const availabilityZones = [...props.zones];

    // Subnet sizes follow the VPC size, so every allowed prefix (/16 to /20)
    // fits: workload subnets take three quarters (EKS pods get VPC addresses),
    // public and database subnets a sixty-fourth each. Largest first, so the
    // blocks stay aligned without gaps.
    this.appVpc = new ec2.Vpc(this, 'AppVpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.appCidr),
      availabilityZones,
      // One NAT gateway per zone: losing a zone must not cut the others' egress.
      natGateways: 3,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: APP_SUBNET_GROUPS.workload, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: app.prefix + 2 },
        // Ingress load balancers and the bastion; nothing gets a public address unless it asks.
        { name: APP_SUBNET_GROUPS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: app.prefix + 6, mapPublicIpOnLaunch: false },
        { name: APP_SUBNET_GROUPS.database, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: app.prefix + 6 },
      ],
    });

    const dataVpc = (dataId: string, cidr: string, servicePort: number, serviceName: string) =>
      new PeeredDataVpc(this, dataId, { zones: props.zones, cidr, appVpc: this.appVpc, clientSubnets: this.workloadSubnets.subnets, servicePort, serviceName });
    this.mongo = dataVpc('Mongo', props.mongoCidr, PORTS.mongo, 'MongoDB (TLS)');
    this.rabbit = dataVpc('Rabbit', props.rabbitCidr, PORTS.amqps, 'RabbitMQ (AMQPS)');

    // Aurora only answers; it never opens connections, so no egress rule.
    this.databaseSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', {
      vpc: this.appVpc,
      description: 'Aurora PostgreSQL: 5432 from application workload subnets only',
      allowAllOutbound: false,
    });
    for (const subnet of this.workloadSubnets.subnets) {
      this.databaseSecurityGroup.addIngressRule(ec2.Peer.ipv4(subnet.ipv4CidrBlock), ec2.Port.tcp(PORTS.postgres), `PostgreSQL (TLS) from ${subnet.node.id} (${subnet.availabilityZone})`);
    }

    const flowLogKey = props.flowLogKey ?? this.defaultFlowLogKey();
    this.flowLogs = (
      [
        ['AppFlowLog', this.appVpc],
        ['MongoFlowLog', this.mongoVpc],
        ['RabbitFlowLog', this.rabbitVpc],
      ] as const
    ).map(
      ([flowLogId, vpc]) =>
        new VpcFlowLog(this, flowLogId, {
          vpc,
          encryptionKey: flowLogKey,
          retention: props.flowLogRetention ?? logs.RetentionDays.ONE_YEAR,
          removalPolicy: props.flowLogRemovalPolicy ?? RemovalPolicy.RETAIN,
        }),
    );
  }

  /** MongoDB VPC: isolated subnets only. */
  get mongoVpc(): ec2.Vpc {
    return this.mongo.vpc;
  }

  /** RabbitMQ VPC: isolated subnets only. */
  get rabbitVpc(): ec2.Vpc {
    return this.rabbit.vpc;
  }

  /** For MongoDB (DocumentDB) in the MongoDB VPC: 27017 (TLS) from the app VPC's workload subnets only; no egress. */
  get mongoSecurityGroup(): ec2.SecurityGroup {
    return this.mongo.securityGroup;
  }

  /** For RabbitMQ (Amazon MQ) in the RabbitMQ VPC: 5671 (AMQPS) from the workload subnets only; no egress. */
  get rabbitSecurityGroup(): ec2.SecurityGroup {
    return this.rabbit.securityGroup;
  }

  /** The subnets that run workloads (EKS nodes); the only ones routed to the data VPCs. */
  get workloadSubnets(): ec2.SelectedSubnets {
    return this.appVpc.selectSubnets({ subnetGroupName: APP_SUBNET_GROUPS.workload });
  }

  /** The isolated subnets of Aurora PostgreSQL, one per zone. */
  get databaseSubnets(): ec2.SelectedSubnets {
    return this.appVpc.selectSubnets({ subnetGroupName: APP_SUBNET_GROUPS.database });
  }

  /** The CIDR blocks of {@link databaseSubnets}: where workloads may reach PostgreSQL. */
  get databaseSubnetCidrs(): string[] {
    return this.databaseSubnets.subnets.map((subnet) => subnet.ipv4CidrBlock);
  }

  /** A key CloudWatch Logs of this account and region may use for its log groups. */
  private defaultFlowLogKey(): kms.IKey {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'FlowLogKey', { enableKeyRotation: true, description: 'VPC flow logs' });
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) } },
      }),
    );
    return key;
  }

  /** Lets one host (the bastion) reach the RabbitMQ management console, and nothing else in the RabbitMQ VPC. */
  allowRabbitConsoleFrom(host: ManagementHost): void {
    this.rabbit.allowManagementFrom(host, PORTS.https, 'RabbitMQ management console (HTTPS)');
  }
}

function requireCidr(prop: string, text: string, widest: number, narrowest: number): Ipv4Cidr {
  const cidr = parseCidr(text);
  if (typeof cidr === 'string') throw new Error(`BrandVpcs: '${prop}' '${text}' ${cidr}`);
  if (cidr.prefix < widest || cidr.prefix > narrowest) throw new Error(`BrandVpcs: '${prop}' '${text}' must be /${widest} to /${narrowest}`);
  return cidr;
}
