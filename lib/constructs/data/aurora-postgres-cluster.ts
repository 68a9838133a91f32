import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CredentialRotation } from './credential-rotation';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { companionRemovalPolicy } from '../../config/stages';
import { requireRetention } from '../logging/retention';
import { ServiceLogGroup } from '../logging/service-log-group';
import { PORTS } from '../../config/ports';
import { APP_SUBNET_GROUPS } from '../network/brand-vpcs';

/** How Aurora holds compute: Serverless v2 (ACU scaling) or provisioned instances. */
export type AuroraCapacity = 'serverless' | 'provisioned';

/**
 * The pinned engine: Aurora PostgreSQL 17.7. Minor upgrades are applied in
 * the maintenance window (autoMinorVersionUpgrade); major upgrades are a code change.
 */
export const AURORA_POSTGRES_VERSION = rds.AuroraPostgresEngineVersion.VER_17_7;


export interface AuroraPostgresClusterProps {
  /** The application VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cluster: isolated ones, without a route to the internet.
   * @default the `Database` subnet group of BrandVpcs' application VPC
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups of the cluster; they decide who reaches port 5432. At least one. */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Start of the names this construct must fix: the master-credential
   * rotation function is `<namePrefix>-pg-rotation-<stack-creation suffix>`.
   * 1-43 letters, digits, '-' and '_'. The cluster identifier is not fixed:
   * CloudFormation generates it, so a cluster kept by a deleted stack (its final
   * snapshot, in high) never blocks the name of the next stack's cluster.
   */
  readonly namePrefix: string;
  /** Encrypts storage, snapshots, Performance Insights, the master secret and the logs. */
  readonly encryptionKey: kms.IKey;
  /**
   * Serverless v2 or provisioned instances.
   * @default 'serverless'
   */
  readonly capacity?: AuroraCapacity;
  /**
   * Instance class of provisioned instances; ignored for Serverless v2.
   * @default r7g.large
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Serverless v2 capacity range in ACUs.
   * @default { min: 0.5, max: 16 }
   */
  readonly serverlessCapacity?: { readonly min: number; readonly max: number };
  /**
   * Readers beside the writer, each in the next zone of the subnets (so at
   * most the number of zones minus one).
   * @default 1
   */
  readonly readers?: number;
  /** Days of automated backups, the window of point-in-time restore (1-35). */
  readonly backupRetention: Duration;
  /**
   * Whether the cluster refuses deletion. Turning it off is a weaker setting.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the stack. Its PostgreSQL log
   * group and rotation log group follow as companions: SNAPSHOT keeps them
   * (RETAIN_ON_UPDATE_OR_DELETE: kept, except when the deploy that created
   * them rolls back); DESTROY deletes them. With deletion protection on, a
   * rolled-back first create cannot delete the cluster (RDS refuses); its
   * generated identifier keeps it from blocking a retry.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Days exported PostgreSQL logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Subnets for the master-credential rotation function: it needs 5432 of the
   * cluster and the Secrets Manager API, so subnets with egress.
   */
  readonly rotationSubnets: ec2.SubnetSelection;
  /**
   * Days between master password rotations.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
}

/**
 * Aurora PostgreSQL for the identity runtime: encrypted with a CMK, TLS only
 * (`rds.force_ssl=1`), IAM database authentication, master credentials in a
 * CMK-encrypted secret rotated by Secrets Manager, PostgreSQL logs exported
 * into a CMK-encrypted log group, enhanced monitoring and Performance Insights.
 */
export class AuroraPostgresCluster extends Construct implements ec2.IConnectable {
  readonly cluster: rds.DatabaseCluster;
  /** The master credentials (JSON: engine, host, port, username, password). */
  readonly secret: secretsmanager.ISecret;
  readonly connections: ec2.Connections;
  /** `arn:<partition>:rds:<region>:<account>:cluster:<generated identifier>`, for backup selections. */
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: AuroraPostgresClusterProps) {
    super(scope, id);
    validate(props);
    const capacity = props.capacity ?? 'serverless';
    const readers = props.readers ?? 1;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: AURORA_POSTGRES_VERSION });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: `${props.namePrefix} Aurora PostgreSQL: TLS only, connection logging`,
      parameters: {
        // Refuses non-TLS connections: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html
        'rds.force_ssl': '1',
        ssl_min_protocol_version: 'TLSv1.2',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    // One instance per zone, writer first, so a zone outage costs at most one instance.
    const vpcSubnets = props.vpcSubnets ?? { subnetGroupName: APP_SUBNET_GROUPS.database };
    const zones = props.vpc.selectSubnets(vpcSubnets).availabilityZones;
    if (readers + 1 > zones.length) {
      throw new Error(`AuroraPostgresCluster: 'readers' (${readers}) plus the writer exceed the zones of 'vpcSubnets' (${zones.join(', ')})`);
    }
    // Performance Insights is set on the cluster; repeating it on each instance keeps
    // provisioned instances from declaring it off (RDS would enable it anyway).
    const perInstance = {
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    };
    const instance = (instanceId: string, extra: { scaleWithWriter?: boolean; availabilityZone?: string } = {}) =>
      capacity === 'serverless'
        ? rds.ClusterInstance.serverlessV2(instanceId, { ...perInstance, ...extra })
        : rds.ClusterInstance.provisioned(instanceId, {
            instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.LARGE),
            ...perInstance,
            ...extra,
          });

    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      port: PORTS.postgres,
      vpc: props.vpc,
      vpcSubnets,
      securityGroups: props.securityGroups,
      writer: instance('Writer', { availabilityZone: zones[0] }),
      // Readers in promotion tier 1 scale with the writer, so a failover lands on equal capacity.
      readers: Array.from({ length: readers }, (_, i) => instance(`Reader${i + 1}`, { scaleWithWriter: true, availabilityZone: zones[i + 1] })),
      serverlessV2MinCapacity: capacity === 'serverless' ? props.serverlessCapacity?.min ?? 0.5 : undefined,
      serverlessV2MaxCapacity: capacity === 'serverless' ? props.serverlessCapacity?.max ?? 16 : undefined,
      credentials: rds.Credentials.fromGeneratedSecret('brandstack_admin', { encryptionKey: props.encryptionKey }),
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey,
      parameterGroup,
      iamAuthentication: true,
      backup: { retention: props.backupRetention, preferredWindow: '01:00-02:00' },
      preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
      copyTagsToSnapshot: true,
      cloudwatchLogsExports: ['postgresql'],
      monitoringInterval: Duration.seconds(60),
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.encryptionKey,
      performanceInsightRetention: rds.PerformanceInsightRetention.DEFAULT,
    });
    // RDS would otherwise create the export log group itself, without the CMK. The
    // group is named after the generated identifier, so it comes after the cluster
    // and before the instances: PostgreSQL logs come from instances, and none
    // exists before the group does.
    // https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.CloudWatch.html
    const logGroup = new ServiceLogGroup(this, 'PostgresqlLog', {
      logGroupName: `/aws/rds/cluster/${this.cluster.clusterIdentifier}/postgresql`,
      encryptionKey: props.encryptionKey,
      retention: props.logRetention,
      removalPolicy: companionRemovalPolicy(removalPolicy),
    });
    for (const instance of this.cluster.node.findAll().filter((c): c is rds.CfnDBInstance => c instanceof rds.CfnDBInstance)) {
      instance.node.addDependency(logGroup);
    }
    this.secret = this.cluster.secret!;
    this.connections = this.cluster.connections;
    this.clusterArn = this.cluster.clusterArn;

    new CredentialRotation(this, 'MasterRotation', {
      secret: this.secret,
      engine: 'postgresql',
      functionNamePrefix: `${props.namePrefix}-pg-rotation`,
      vpc: props.vpc,
      vpcSubnets: props.rotationSubnets,
      database: { cidr: props.vpc.vpcCidrBlock, port: PORTS.postgres },
      logEncryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      automaticallyAfter: props.rotationInterval,
      removalPolicy: companionRemovalPolicy(removalPolicy),
    }).schedule.node.addDependency(this.cluster);
  }

  /** Lets `grantee` connect as `dbUser` with an IAM authentication token (rds-db:connect). */
  grantConnect(grantee: iam.IGrantable, dbUser: string): iam.Grant {
    return this.cluster.grantConnect(grantee, dbUser);
  }
}

const NAME_PREFIX = /^[a-zA-Z0-9_-]{1,43}$/;

function validate(props: AuroraPostgresClusterProps): void {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`AuroraPostgresCluster: '${prop}' ${problem}`);
  };
  if (!NAME_PREFIX.test(props.namePrefix)) {
    fail('namePrefix', `'${props.namePrefix}' must be 1-43 letters, digits, '-' and '_' (the rotation function's name, with '-pg-rotation-' and the stack-creation suffix, may have 64)`);
  }
  requireRetention('AuroraPostgresCluster', 'logRetention', props.logRetention);
  if (props.securityGroups.length === 0) fail('securityGroups', 'must list at least one security group');
  const days = props.backupRetention.toDays();
  if (days < 1 || days > 35) fail('backupRetention', `must be 1 to 35 days (got ${days})`);
  const readers = props.readers ?? 1;
  if (!Number.isInteger(readers) || readers < 0 || readers > 15) fail('readers', `must be an integer from 0 to 15 (got ${readers})`);
  const range = props.serverlessCapacity;
  if (range && (range.min < 0 || range.max > 256 || range.min > range.max)) {
    fail('serverlessCapacity', `must satisfy 0 <= min <= max <= 256 ACUs (got ${range.min}-${range.max})`);
  }
  if (props.instanceType && (props.capacity ?? 'serverless') === 'serverless') {
    fail('instanceType', "applies to provisioned capacity only; set capacity: 'provisioned' or leave it out");
  }
}
