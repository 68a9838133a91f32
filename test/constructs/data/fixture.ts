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
