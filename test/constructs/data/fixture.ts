/** A small stack for data construct tests: an app VPC and a data VPC in three zones, and a key. */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';

export const ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];

export function dataFixture() {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
  const appVpc = new ec2.Vpc(stack, 'AppVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.10.0.0/16'),
    availabilityZones: ZONES,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'Database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
  });
  const dataVpc = new ec2.Vpc(stack, 'DataVpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.11.0.0/20'),
    availabilityZones: ZONES,
    natGateways: 0,
    subnetConfiguration: [{ name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 26 }],
  });
  const group = (id: string, vpc: ec2.IVpc) => new ec2.SecurityGroup(stack, id, { vpc, allowAllOutbound: false });
  const key = new kms.Key(stack, 'Key');
  return { stack, appVpc, dataVpc, key, group };
}

/** The logical id of the fixture key, as templates reference it. */
export function keyRef(stack: Stack, key: kms.Key): { 'Fn::GetAtt': [string, 'Arn'] } {
  return { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
}

/** The stack-creation suffix as the template holds it (lib/config/naming.ts). */
export const STACK_CREATION_SUFFIX = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };

/** `<before><stack-creation suffix><after>`, as CDK renders it. */
export function suffixed(before: string, after = ''): { 'Fn::Join': [string, unknown[]] } {
  return { 'Fn::Join': ['', after ? [before, STACK_CREATION_SUFFIX, after] : [before, STACK_CREATION_SUFFIX]] };
}

/** The property that holds a resource type's physical name. */
const NAME_PROPERTIES: Readonly<Record<string, string>> = {
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::RDS::DBCluster': 'DBClusterIdentifier',
  'AWS::DocDB::DBCluster': 'DBClusterIdentifier',
  'AWS::AmazonMQ::Broker': 'BrokerName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::EKS::Cluster': 'Name',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::SecretsManager::Secret': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::KMS::Key': 'KeyId',
};

const KEPT = new Set(['Retain', 'RetainExceptOnCreate', 'Snapshot']);

/**
 * A name that the next creation of the stack would reuse: a literal, or a value
 * built from literals and pseudo parameters other than the stack id (the
 * account, the region). A name built from the stack id or from another
 * resource's generated name is new for each stack.
 */
export function isFixedName(name: unknown): boolean {
  const text = JSON.stringify(name);
  if (text.includes('"AWS::StackId"')) return false;
  const references = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":\s*\[?"([^"]+)"/g)].map((m) => m[1]);
  return references.every((id) => id.startsWith('AWS::'));
}

/** Resources that outlive their stack (Retain, RetainExceptOnCreate, Snapshot: a snapshot outlives it too) and have a fixed name: `Type logicalId = name`. */
export function keptWithFixedNames(resources: Record<string, any>): string[] {
  return Object.entries(resources)
    .filter(([, r]) => KEPT.has(r.DeletionPolicy) && NAME_PROPERTIES[r.Type] !== undefined)
    .map(([id, r]) => [id, r, r.Properties?.[NAME_PROPERTIES[r.Type]]] as const)
    .filter(([, , name]) => name !== undefined && isFixedName(name))
    .map(([id, r, name]) => `${r.Type} ${id} = ${JSON.stringify(name)}`);
}
