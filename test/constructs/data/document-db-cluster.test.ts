import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DocumentDbCluster, type DocumentDbClusterProps } from '../../../lib/constructs/data/document-db-cluster';
import { ZONES, dataFixture, keptWithFixedNames, keyRef, suffixed } from './fixture';

function build(props: Partial<DocumentDbClusterProps> = {}) {
  const f = dataFixture();
  const cluster = new DocumentDbCluster(f.stack, 'Mongo', {
    vpc: f.dataVpc,
    securityGroup: f.group('MongoGroup', f.dataVpc),
    namePrefix: 'acme-high',
    encryptionKey: f.key,
    backupRetention: Duration.days(35),
    logRetention: RetentionDays.ONE_YEAR,
    rotation: { vpc: f.appVpc, vpcSubnets: { subnetGroupName: 'Workload' } },
    ...props,
  });
  return { ...f, cluster, template: Template.fromStack(f.stack) };
}

describe('DocumentDbCluster', () => {
  const built = build();
  const { template } = built;
  const key = keyRef(built.stack, built.key);

  test('encrypted with the key, backups kept, deletion protection by default, audit and profiler logs exported', () => {
    template.hasResourceProperties('AWS::DocDB::DBCluster', {
      DBClusterIdentifier: Match.absent(),
      EngineVersion: '5.0.0',
      StorageEncrypted: true,
      KmsKeyId: key,
      BackupRetentionPeriod: 35,
      DeletionProtection: true,
      CopyTagsToSnapshot: true,
      EnableCloudwatchLogsExports: ['audit', 'profiler'],
      MasterUsername: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
  });

  test('TLS required and audit logs on in the cluster parameter group', () => {
    template.hasResourceProperties('AWS::DocDB::DBClusterParameterGroup', {
      Family: 'docdb5.0',
      Parameters: Match.objectLike({ tls: 'enabled', audit_logs: 'enabled' }),
    });
  });

  test('three instances by default, one per zone, in the isolated data subnets and only the given security group', () => {
    template.resourceCountIs('AWS::DocDB::DBInstance', 3);
    const zones = Object.values(template.findResources('AWS::DocDB::DBInstance')).map((i: any) => i.Properties.AvailabilityZone);
    expect(zones.sort()).toEqual(ZONES);
    const cluster = Object.values(template.findResources('AWS::DocDB::DBCluster'))[0] as any;
    expect(cluster.Properties.VpcSecurityGroupIds).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^MongoGroup/), 'GroupId'] }]);
    const subnetGroup = Object.values(template.findResources('AWS::DocDB::DBSubnetGroup'))[0] as any;
    subnetGroup.Properties.SubnetIds.forEach((s: any) => expect(s.Ref).toMatch(/^DataVpcDataSubnet/));
  });

  test('key-encrypted log groups created after the cluster and before its instances; key-encrypted secret with MongoDB hosted rotation from the app VPC', () => {
    const [clusterId] = Object.keys(template.findResources('AWS::DocDB::DBCluster'));
    const resources = template.toJSON().Resources;
    const logIds = ['audit', 'profiler'].map((kind) => {
      const name = { 'Fn::Join': ['', ['/aws/docdb/', { Ref: clusterId }, `/${kind}`]] };
      template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: name, KmsKeyId: key });
      return Object.keys(template.findResources('AWS::Logs::LogGroup', { Properties: { LogGroupName: name } }))[0];
    });
    // Instances write the audit and profiler logs: none exists before both groups.
    for (const id of Object.keys(template.findResources('AWS::DocDB::DBInstance'))) expect(resources[id].DependsOn).toEqual(expect.arrayContaining(logIds));
    for (const logId of logIds) expect(resources[clusterId].DependsOn ?? []).not.toContain(logId);
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: key });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      HostedRotationLambda: Match.objectLike({ RotationType: 'MongoDBSingleUser', KmsKeyArn: key, RotationLambdaName: suffixed('acme-high-mongo-rotation-') }),
    });
    // The rotation function reaches the cluster across the peering: egress to the data VPC on 27017 and HTTPS, nothing else.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('rotation'),
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ FromPort: 27017, ToPort: 27017 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ]),
    });
  });

  test('removal: the cluster snapshots by default, its log groups are kept except when their create rolls back; no kept resource has a fixed name', () => {
    const resources = template.toJSON().Resources;
    expect(Object.values(template.findResources('AWS::DocDB::DBCluster'))[0]).toMatchObject({ DeletionPolicy: 'Snapshot', UpdateReplacePolicy: 'Snapshot' });
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup'));
    expect(logGroups).toHaveLength(3);
    for (const group of logGroups) expect(group).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(keptWithFixedNames(resources)).toEqual([]);
    const destroyed = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    for (const group of Object.values(destroyed.findResources('AWS::Logs::LogGroup'))) expect(group).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  test('fewer instances and no deletion protection only when asked', () => {
    const low = build({ instances: 1, deletionProtection: false }).template;
    low.resourceCountIs('AWS::DocDB::DBInstance', 1);
    low.hasResourceProperties('AWS::DocDB::DBCluster', { DeletionProtection: false });
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ namePrefix: 'has space' })).toThrow("DocumentDbCluster: 'namePrefix' 'has space' must be 1-40 letters, digits, '-' and '_'");
    expect(() => build({ namePrefix: 'a'.repeat(40) })).not.toThrow();
    expect(() => build({ namePrefix: 'a'.repeat(41) })).toThrow("DocumentDbCluster: 'namePrefix'");
    expect(() => build({ instances: 0 })).toThrow("'instances' must be an integer from 1 to 16");
    expect(() => build({ instances: 4 })).toThrow("'instances' (4) exceeds the zones");
    expect(() => build({ backupRetention: Duration.days(0) })).toThrow("'backupRetention' must be 1 to 35 days");
    expect(() => build({ logRetention: 42 as RetentionDays })).toThrow("DocumentDbCluster: 'logRetention' must be one of the CloudWatch Logs retention periods in days (1, 3, 5,");
  });
});
