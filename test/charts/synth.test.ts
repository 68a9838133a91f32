import { App, Stack } from 'aws-cdk-lib';
import { BrandRegistry } from '../../lib/config/registry';
import { findRegion } from '../../lib/config/regions';
import { databaseSubnetCidrs, workloadSubnetCidrs } from '../../lib/charts/synth';
import { BrandVpcs } from '../../lib/constructs/network/brand-vpcs';

// synth:charts computes the database subnets instead of building BrandVpcs (charts do not import constructs);
// the review files must show the CIDRs the deployed network policies carry.
const zones = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];
const targets = [
  ...BrandRegistry.load().brands.map((brand) => ({ appCidr: brand.network.appCidr, mongoCidr: brand.network.mongoCidr, rabbitCidr: brand.network.rabbitCidr, zones: findRegion(brand.homeRegion)!.zones })),
  ...[16, 17, 18, 19, 20].map((prefix) => ({ appCidr: `10.32.0.0/${prefix}`, mongoCidr: '10.64.0.0/20', rabbitCidr: '10.65.0.0/20', zones })),
];

test.each(targets)('the database subnets of $appCidr are those BrandVpcs builds', (target) => {
  const vpcs = new BrandVpcs(new Stack(new App(), 'Network', { env: { region: 'eu-central-1' } }), 'Network', target);
  expect(databaseSubnetCidrs(target.appCidr, target.zones.length)).toEqual(vpcs.databaseSubnetCidrs);
});

test.each(targets)('the workload subnets of $appCidr (the trusted proxies of the review files) are those BrandVpcs builds', (target) => {
  const vpcs = new BrandVpcs(new Stack(new App(), 'Network', { env: { region: 'eu-central-1' } }), 'Network', target);
  expect(workloadSubnetCidrs(target.appCidr, target.zones.length)).toEqual(vpcs.workloadSubnets.subnets.map((subnet) => subnet.ipv4CidrBlock));
});

test('a malformed app CIDR is refused with the value named', () => {
  expect(() => databaseSubnetCidrs('10.0.0.1/16', 3)).toThrow(/synth:charts: appCidr '10.0.0.1\/16' has host bits set/);
  expect(() => workloadSubnetCidrs('10.0.0.1/16', 3)).toThrow(/synth:charts: appCidr '10.0.0.1\/16' has host bits set/);
});
