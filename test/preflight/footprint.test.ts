/**
 * What preflight asks the account for is read from the BrandStack constructs;
 * these tests tie it to the synthesized template CloudFormation receives, so
 * neither the counts nor the bootstrap version can drift from what is deployed.
 */
import { App } from 'aws-cdk-lib';
import { BrandRegistry, resolveTarget } from '../../lib/config/registry';
import { footprintOf, REQUIRED_BOOTSTRAP_VERSION } from '../../lib/preflight/footprint';
import { BrandStack } from '../../lib/stacks/brand-stack';
import { synthTarget } from '../helpers/synth';

const registry = BrandRegistry.load();

describe.each(['low', 'high'] as const)('acme %s', (stage) => {
  const target = resolveTarget(registry, { brand: 'acme', stage });
  const footprint = footprintOf(new BrandStack(new App(), 'BrandStack', { target, env: { account: '111111111111' } }));
  const { json } = synthTarget({ brand: 'acme', stage });
  const resources = Object.values<{ Type: string; Properties: any }>(json.Resources);
  const ofType = (type: string) => resources.filter((r) => r.Type === type);

  test('counts the VPCs, Elastic IPs and NAT gateways the template creates', () => {
    expect(footprint.vpcs).toBe(ofType('AWS::EC2::VPC').length);
    expect(footprint.elasticIps).toBe(ofType('AWS::EC2::EIP').length);
    expect(Object.values(footprint.natGatewaysPerZone).reduce((a, b) => a + b, 0)).toBe(ofType('AWS::EC2::NatGateway').length);
    // The design as the issue states it: three VPCs, four addresses (three NAT gateways and the bastion), one gateway per zone.
    expect([footprint.vpcs, footprint.elasticIps]).toEqual([3, 4]);
    expect(footprint.natGatewaysPerZone).toEqual(Object.fromEntries(target.region.zones.map((zone) => [zone, 1])));
  });

  test('reads the instance types and Aurora classes the template launches', () => {
    expect(footprint.instances.map((i) => i.instanceType)).toEqual(ofType('AWS::EC2::Instance').map((r) => r.Properties.InstanceType));
    const provisioned = ofType('AWS::RDS::DBInstance').filter((r) => r.Properties.DBInstanceClass !== 'db.serverless' && String(r.Properties.Engine).startsWith('aurora'));
    expect(footprint.auroraInstances.map((i) => i.instanceClass)).toEqual(provisioned.map((r) => r.Properties.DBInstanceClass));
    expect(footprint.auroraInstances.length).toBe(stage === 'high' ? 3 : 0); // acme: serverless in low, provisioned writer + 2 readers in high
  });

  test('requires the bootstrap version, from the parameter, that the template\'s CheckBootstrapVersion rule requires', () => {
    const refused: string[] = json.Rules.CheckBootstrapVersion.Assertions[0].Assert['Fn::Not'][0]['Fn::Contains'][0];
    expect(REQUIRED_BOOTSTRAP_VERSION).toBe(Math.max(...refused.map(Number)) + 1);
    expect(footprint.bootstrap).toEqual({ parameter: json.Parameters.BootstrapVersion.Default, requiredVersion: REQUIRED_BOOTSTRAP_VERSION });
  });
});
