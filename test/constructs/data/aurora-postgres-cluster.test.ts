import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AuroraPostgresCluster, type AuroraPostgresClusterProps } from '../../../lib/constructs/data/aurora-postgres-cluster';
import { ZONES, dataFixture, keptWithFixedNames, keyRef, suffixed } from './fixture';

function build(props: Partial<AuroraPostgresClusterProps> = {}) {
  const f = dataFixture();
  const cluster = new AuroraPostgresCluster(f.stack, 'Database', {
    vpc: f.appVpc,
    securityGroups: [f.group('DatabaseGroup', f.appVpc)],
    namePrefix: 'acme-high',
    encryptionKey: f.key,
    backupRetention: Duration.days(35),
    logRetention: RetentionDays.ONE_YEAR,
    rotationSubnets: { subnetGroupName: 'Workload' },
    ...props,
  });
  return { ...f, cluster, template: Template.fromStack(f.stack) };
}

describe('AuroraPostgresCluster', () => {
  const built = build();
  const { template } = built;
  const key = keyRef(built.stack, built.key);

  test('encrypted with the key, IAM authentication, pinned Aurora PostgreSQL 17.7, deletion protection by default', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17.7',
      DBClusterIdentifier: Match.absent(),
      StorageEncrypted: true,
      KmsKeyId: key,
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      CopyTagsToSnapshot: true,
      BackupRetentionPeriod: 35,
      EnableCloudwatchLogsExports: ['postgresql'],
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
    });
  });

  test('TLS only: the cluster parameter group forces SSL from TLS 1.2', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql17',
      Parameters: Match.objectLike({ 'rds.force_ssl': '1', ssl_min_protocol_version: 'TLSv1.2' }),
    });
  });

  test('isolated Database subnets; writer and reader in different zones, enhanced monitoring and Performance Insights with the key', () => {
    const subnetGroup = Object.values(template.findResources('AWS::RDS::DBSubnetGroup'))[0] as any;
    const refs = subnetGroup.Properties.SubnetIds.map((s: any) => s.Ref);
    expect(refs).toHaveLength(3);
    refs.forEach((ref: string) => expect(ref).toMatch(/^AppVpcDatabaseSubnet/));
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', AvailabilityZone: ZONES[0], MonitoringInterval: 60 });
    template.hasResourceProperties('AWS::RDS::DBCluster', { PerformanceInsightsEnabled: true, PerformanceInsightsKmsKeyId: key });
    template.hasResourceProperties('AWS::RDS::DBInstance', { AvailabilityZone: ZONES[1], PromotionTier: 1 });
  });

  test('master credentials: key-encrypted secret with hosted single-user rotation in the workload subnets', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: key, GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"brandstack_admin"}' }) });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({
        RotationType: 'PostgreSQLSingleUser',
        RotationLambdaName: suffixed('acme-high-pg-rotation-'),
        KmsKeyArn: key,
        VpcSubnetIds: Match.anyValue(),
      }),
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
    const schedule = Object.values(template.findResources('AWS::SecretsManager::RotationSchedule'))[0] as any;
    expect(JSON.stringify(schedule.Properties.HostedRotationLambda.VpcSubnetIds)).toContain('AppVpcWorkloadSubnet');
    expect(template.toJSON().Transform).toContain('AWS::SecretsManager-2024-09-16');
  });

  test('log groups exist before the service writes: PostgreSQL export (after the cluster, before its instances) and rotation function, both key-encrypted', () => {
    const [clusterId] = Object.keys(template.findResources('AWS::RDS::DBCluster'));
    const exportName = { 'Fn::Join': ['', ['/aws/rds/cluster/', { Ref: clusterId }, '/postgresql']] };
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: exportName, KmsKeyId: key, RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: suffixed('/aws/lambda/acme-high-pg-rotation-'), KmsKeyId: key });
    const [logId] = Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: exportName } }));
    const resources = template.toJSON().Resources;
    // PostgreSQL logs come from instances: each waits for the group, which waits for the cluster's generated identifier.
    const instances = Object.keys(template.findResources('AWS::RDS::DBInstance'));
    expect(instances).toHaveLength(2);
    for (const id of instances) expect(resources[id].DependsOn).toContain(logId);
    expect(resources[clusterId].DependsOn ?? []).not.toContain(logId);
  });

  test('removal: the cluster snapshots by default and its log groups are kept, except when their create rolls back; no kept resource has a fixed name', () => {
    const resources = template.toJSON().Resources;
    const [clusterId] = Object.keys(template.findResources('AWS::RDS::DBCluster'));
    expect(resources[clusterId]).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(2);
    for (const group of logGroups) expect(group).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(keptWithFixedNames(resources)).toEqual([]);
    // Nothing of the rotation (its function's security group) is kept.
    for (const group of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) expect(group.DeletionPolicy).toBeUndefined();
  });

  test('DESTROY deletes the cluster and its log groups', () => {
    const destroyed = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    expect(Object.values(destroyed.findResources('AWS::RDS::DBCluster'))[0]).toMatchObject({ DeletionPolicy: 'Delete' });
    for (const group of Object.values(destroyed.findResources('AWS::Logs::LogGroup'))) expect(group).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  test('provisioned capacity uses the instance type; weaker settings only when asked', () => {
    const provisioned = build({ capacity: 'provisioned', readers: 2, deletionProtection: false, backupRetention: Duration.days(7) }).template;
    provisioned.resourceCountIs('AWS::RDS::DBInstance', 3);
    provisioned.allResourcesProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r7g.large' });
    provisioned.hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false, BackupRetentionPeriod: 7, ServerlessV2ScalingConfiguration: Match.absent() });
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ namePrefix: 'has space' })).toThrow("AuroraPostgresCluster: 'namePrefix' 'has space' must be 1-43 letters, digits, '-' and '_'");
    expect(() => build({ securityGroups: [] })).toThrow("'securityGroups' must list at least one");
    expect(() => build({ backupRetention: Duration.days(36) })).toThrow("'backupRetention' must be 1 to 35 days (got 36)");
    expect(() => build({ readers: 3 })).toThrow("'readers' (3) plus the writer exceed the zones");
    expect(() => build({ readers: -1 })).toThrow("'readers' must be an integer from 0 to 15");
    expect(() => build({ serverlessCapacity: { min: 4, max: 2 } })).toThrow("'serverlessCapacity' must satisfy");
    expect(() => build({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.XLARGE) })).toThrow("'instanceType' applies to provisioned capacity only");
    expect(() => build({ logRetention: 42 as RetentionDays })).toThrow("AuroraPostgresCluster: 'logRetention' must be one of the CloudWatch Logs retention periods in days (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); got 42");
    expect(() => build({ logRetention: RetentionDays.INFINITE })).toThrow("AuroraPostgresCluster: 'logRetention' must be one of the CloudWatch Logs retention periods");
    // The rotation function's name (prefix, '-pg-rotation-', the 8-character suffix) may have 64 characters.
    expect(() => build({ namePrefix: 'a'.repeat(43) })).not.toThrow();
    expect(() => build({ namePrefix: 'a'.repeat(44) })).toThrow("AuroraPostgresCluster: 'namePrefix'");
  });
});
