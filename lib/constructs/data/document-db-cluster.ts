import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
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

/** The pinned engine: DocumentDB 5.0 (MongoDB 5.0 API), parameter family docdb5.0. */
export const DOCUMENT_DB_VERSION = { engineVersion: '5.0.0', family: 'docdb5.0' } as const;


export interface DocumentDbClusterProps {
  /** The MongoDB VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets of the cluster.
   * @default { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The only security group of the cluster; it decides who reaches port 27017. */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * Start of the names this construct must fix: the master-credential
   * rotation function is `<namePrefix>-mongo-rotation-<stack-creation suffix>`.
   * 1-40 letters, digits, '-' and '_'. The cluster identifier is not fixed:
   * CloudFormation generates it, so a cluster kept by a deleted stack never
   * blocks the name of the next stack's cluster.
   */
  readonly namePrefix: string;
  /** Encrypts storage, snapshots, the master secret and the logs. */
  readonly encryptionKey: kms.IKey;
  /**
   * Instances, one per zone of the subnets, in zone order. Fewer than three
   * means a zone outage stops the cluster until the instance is replaced.
   * @default 3
   */
  readonly instances?: number;
  /**
   * @default r6g.large
   */
  readonly instanceType?: ec2.InstanceType;
  /** Days of automated backups, the window of point-in-time restore (1-35). */
  readonly backupRetention: Duration;
  /**
   * Whether the cluster refuses deletion. Turning it off is a weaker setting.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the cluster when it leaves the stack. Its audit, profiler
   * and rotation log groups follow as companions: SNAPSHOT keeps them
   * (RETAIN_ON_UPDATE_OR_DELETE: kept, except when the deploy that created
   * them rolls back); DESTROY deletes them. With deletion protection on, a
   * rolled-back first create cannot delete the cluster (the service refuses);
   * its generated identifier keeps it from blocking a retry.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Days audit and profiler logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Where the master-credential rotation function runs: subnets with egress
   * (for the Secrets Manager API) that are allowed to reach 27017, typically
   * the application VPC's workload subnets, peered to the MongoDB VPC.
   */
  readonly rotation: { readonly vpc: ec2.IVpc; readonly vpcSubnets: ec2.SubnetSelection };
  /**
   * Days between master password rotations.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
}

/**
 * Amazon DocumentDB, the MongoDB-compatible data tier: CMK-encrypted, TLS
 * required (`tls=enabled`), audit and profiler logs exported to CMK-encrypted
 * log groups, master credentials in a CMK-encrypted secret with rotation, one
 * instance per zone.
 */
export class DocumentDbCluster extends Construct implements ec2.IConnectable {
  readonly cluster: docdb.DatabaseCluster;
  /** The master credentials (JSON: engine, host, port, username, password). */
  readonly secret: secretsmanager.ISecret;
  readonly connections: ec2.Connections;
  /** `arn:<partition>:rds:<region>:<account>:cluster:<generated identifier>`, for backup selections. */
  readonly clusterArn: string;

  constructor(scope: Construct, id: string, props: DocumentDbClusterProps) {
    super(scope, id);
    const instances = props.instances ?? 3;
    validate(props, instances);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const logRemoval = companionRemovalPolicy(removalPolicy);

    const parameterGroup = new docdb.ClusterParameterGroup(this, 'Parameters', {
      family: DOCUMENT_DB_VERSION.family,
      description: `${props.namePrefix} DocumentDB: TLS required, audit and profiler logs`,
      parameters: {
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/security.encryption.ssl.html
        tls: 'enabled',
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/event-auditing.html
        audit_logs: 'enabled',
        profiler: 'enabled',
        profiler_threshold_ms: '200',
      },
    });

    this.cluster = new docdb.DatabaseCluster(this, 'Cluster', {
      engineVersion: DOCUMENT_DB_VERSION.engineVersion,
      port: PORTS.mongo,
      masterUser: { username: 'brandstack_admin', kmsKey: props.encryptionKey },
      instances,
      instanceType: props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroup: props.securityGroup,
      parameterGroup,
      storageEncrypted: true,
      kmsKey: props.encryptionKey,
      backup: { retention: props.backupRetention, preferredWindow: '01:00-02:00' },
      preferredMaintenanceWindow: 'sun:03:00-sun:04:00',
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
      copyTagsToSnapshot: true,
      exportAuditLogsToCloudWatch: true,
      exportProfilerLogsToCloudWatch: true,
    });
    // DocumentDB would otherwise create the export log groups itself, without the CMK. They are
    // named after the generated identifier, so they come after the cluster and before the
    // instances, which write the audit and profiler logs.
    // https://docs.aws.amazon.com/documentdb/latest/developerguide/event-auditing.html
    const logGroups = ['audit', 'profiler'].map(
      (kind) =>
        new ServiceLogGroup(this, kind === 'audit' ? 'AuditLog' : 'ProfilerLog', {
          logGroupName: `/aws/docdb/${this.cluster.clusterIdentifier}/${kind}`,
          encryptionKey: props.encryptionKey,
          retention: props.logRetention,
          removalPolicy: logRemoval,
        }),
    );

    // Pin one instance per zone, so "three instances" means "three zones".
    const zones = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).availabilityZones;
    const cfnInstances = this.cluster.node.children
      .filter((child): child is docdb.CfnDBInstance => child instanceof docdb.CfnDBInstance)
      .sort((a, b) => a.node.id.localeCompare(b.node.id, undefined, { numeric: true }));
    if (instances > zones.length) {
      throw new Error(`DocumentDbCluster: 'instances' (${instances}) exceeds the zones of 'vpcSubnets' (${zones.join(', ')})`);
    }
    cfnInstances.forEach((instance, index) => {
      instance.availabilityZone = zones[index];
      for (const logGroup of logGroups) instance.node.addDependency(logGroup);
    });

    this.secret = this.cluster.secret!;
    this.connections = this.cluster.connections;
    // DocumentDB clusters are RDS-namespaced resources.
    this.clusterArn = Stack.of(this).formatArn({
      service: 'rds',
      resource: 'cluster',
      resourceName: this.cluster.clusterIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    new CredentialRotation(this, 'MasterRotation', {
      secret: this.secret,
      engine: 'mongodb',
      functionNamePrefix: `${props.namePrefix}-mongo-rotation`,
      vpc: props.rotation.vpc,
      vpcSubnets: props.rotation.vpcSubnets,
      database: { cidr: props.vpc.vpcCidrBlock, port: PORTS.mongo },
      logEncryptionKey: props.encryptionKey,
      logRetention: props.logRetention,
      automaticallyAfter: props.rotationInterval,
      removalPolicy: logRemoval,
    }).schedule.node.addDependency(this.cluster);
  }
}

const NAME_PREFIX = /^[a-zA-Z0-9_-]{1,40}$/;

function validate(props: DocumentDbClusterProps, instances: number): void {
  const fail = (prop: string, problem: string): never => {
    throw new Error(`DocumentDbCluster: '${prop}' ${problem}`);
  };
  if (!NAME_PREFIX.test(props.namePrefix)) {
    fail('namePrefix', `'${props.namePrefix}' must be 1-40 letters, digits, '-' and '_' (the rotation function's name, with '-mongo-rotation-' and the stack-creation suffix, may have 64)`);
  }
  requireRetention('DocumentDbCluster', 'logRetention', props.logRetention);
  if (!Number.isInteger(instances) || instances < 1 || instances > 16) fail('instances', `must be an integer from 1 to 16 (got ${instances})`);
  const days = props.backupRetention.toDays();
  if (days < 1 || days > 35) fail('backupRetention', `must be 1 to 35 days (got ${days})`);
}
