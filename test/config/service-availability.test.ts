/**
 * The regional availability table: every entry cites its source, the values
 * it vouches for are the ones the constructs use, and one brand allowed in
 * each catalog region either builds a BrandStack there or is refused with the
 * documented reason.
 *
 * The per-region part synthesizes each BrandStack's template (every construct
 * and its validation runs) without the compliance packs, which do not depend on
 * the region and run on the example brands elsewhere: with them, 24 syntheses
 * would take minutes; without, about a second each.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as mq from 'aws-cdk-lib/aws-amazonmq';
import * as rds from 'aws-cdk-lib/aws-rds';
import { parseBrand } from '../../lib/config/brand';
import { BrandConfigError } from '../../lib/config/errors';
import { BrandRegistry, resolveTarget } from '../../lib/config/registry';
import { REGION_CATALOG, findRegion } from '../../lib/config/regions';
import { CAPABILITIES, USED, alternativesFor, missingIn, refusalFor } from '../../lib/config/service-availability';
import { BrandStack } from '../../lib/stacks/brand-stack';

const ACME = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'brands', 'acme.json'), 'utf8'));

/** A test-only brand allowed in `regions`, home in the first. */
function brandIn(regions: string[], database = { low: 'serverless', high: 'provisioned' }) {
  return {
    ...ACME,
    id: 'everywhere',
    displayName: 'Everywhere (test only)',
    homeRegion: regions[0],
    allowedRegions: regions,
    database,
    dns: { hostedZones: { '*': { id: 'Z0EVERYWHERE00000000', name: 'acme.example.com' } } },
  };
}

describe('the availability table', () => {
  test('covers every catalog region for every capability, and every entry cites an AWS documentation page', () => {
    for (const capability of CAPABILITIES) {
      expect(capability.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/\S+$/);
      expect(Object.keys(capability.regions).sort()).toEqual(REGION_CATALOG.map((r) => r.code).sort());
    }
  });

  test('records what the sources say: DocumentDB R6G is not offered in Bahrain; everything else the table lists is offered in the example brands\' regions', () => {
    const need = { database: { low: 'serverless', high: 'provisioned' } } as const;
    expect(missingIn('me-south-1', need).map((m) => m.capability.key)).toEqual(['documentDb']);
    for (const code of ['eu-central-1', 'eu-west-1', 'ap-southeast-2', 'ap-southeast-4']) expect(missingIn(code, need)).toEqual([]);
  });

  test('an unlisted region counts as missing, not as offered', () => {
    expect(missingIn('xx-nowhere-1', { database: { low: 'serverless', high: 'serverless' } }).map((m) => m.availability)).toContain('unverified');
  });

  test('provisioned instances are needed only when a stage asks for them', () => {
    const provisioned = CAPABILITIES.find((c) => c.key === 'auroraProvisioned')!;
    expect(provisioned.neededBy({ database: { low: 'serverless', high: 'serverless' } })).toBe(false);
    expect(provisioned.neededBy({ database: { low: 'serverless', high: 'provisioned' } })).toBe(true);
    expect(provisioned.neededBy({ database: { low: 'serverless', high: 'provisioned' }, stage: 'low' })).toBe(false);
  });

  test('alternatives come from the same country first, else the same residency area', () => {
    const need = { database: { low: 'serverless', high: 'serverless' } } as const;
    expect(alternativesFor(findRegion('me-south-1')!, need)).toEqual({ within: 'Middle East', codes: ['me-central-1'] });
    expect(alternativesFor(findRegion('ap-southeast-4')!, need)).toEqual({ within: 'Australia', codes: ['ap-southeast-2'] });
  });

  test('the values the table vouches for are the ones the stack uses', () => {
    const brand = parseBrand('brands/everywhere.json', brandIn(['eu-central-1']));
    const registry = new BrandRegistry([brand]);
    const stack = new BrandStack(new App(), 'BrandStack', { target: resolveTarget(registry, { brand: 'everywhere', stage: 'high' }) });
    const resources = <T>(type: { new (...args: any[]): T }) => stack.node.findAll().filter((c): c is any => c instanceof type) as T[];

    expect(resources(docdb.CfnDBInstance).map((i) => i.dbInstanceClass)).toEqual(expect.arrayContaining([USED.documentDbInstanceClass]));
    expect(new Set(resources(docdb.CfnDBInstance).map((i) => i.dbInstanceClass))).toEqual(new Set([USED.documentDbInstanceClass]));
    const [broker] = resources(mq.CfnBroker);
    expect([broker.hostInstanceType, broker.engineVersion]).toEqual([USED.rabbitMqInstanceType, USED.rabbitMqEngineVersion]);
    const [cluster] = resources(rds.CfnDBCluster);
    expect(cluster.engineVersion).toBe(USED.auroraPostgresVersion);
    expect(new Set(resources(rds.CfnDBInstance).map((i) => i.dbInstanceClass))).toEqual(new Set([USED.auroraProvisionedInstanceClass]));
    expect(resources(ec2.CfnInstance).map((i) => i.instanceType)).toEqual([USED.bastionInstanceType]);
  });
});

describe('a brand allowing a region that cannot host it', () => {
  test('is refused at parse, naming the file, the field, the service, the region, the source and the alternatives', () => {
    const attempt = () => parseBrand('brands/everywhere.json', brandIn(['me-central-1', 'me-south-1']));
    expect(attempt).toThrow(BrandConfigError);
    expect(attempt).toThrow(
      "brands/everywhere.json: field 'allowedRegions[1]' me-south-1 (Bahrain) cannot host BrandStack: Amazon DocumentDB db.r6g.large instances (R6G class) is not offered there " +
        '(https://docs.aws.amazon.com/documentdb/latest/developerguide/db-instance-classes.html#db-instance-classes-by-region); regions in Middle East that offer everything: me-central-1',
    );
  });

  test('refusalFor is silent for a region that can host the stack', () => {
    expect(refusalFor(findRegion('eu-central-1')!, { database: { low: 'serverless', high: 'provisioned' } })).toBeUndefined();
  });
});

describe('one test-only brand in each catalog region', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-regions-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** The documented refusal for each region that cannot host the stack; every other region must build. */
  const REFUSED: Record<string, RegExp> = {
    'us-west-1': /field 'homeRegion' 'us-west-1' is refused: it offers only two availability zones/,
    'me-south-1': /field 'allowedRegions\[0\]' me-south-1 \(Bahrain\) cannot host BrandStack: Amazon DocumentDB .* is not offered there .*regions in Middle East that offer everything: me-central-1$/,
  };

  test.each(REGION_CATALOG.map((r) => r.code))('%s: a BrandStack, or the documented refusal', (code) => {
    const dir = path.join(root, code);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'everywhere.json'), JSON.stringify(brandIn([code])));

    const build = (): Stack => {
      const target = resolveTarget(BrandRegistry.load(dir), { brand: 'everywhere', stage: 'high' });
      return new BrandStack(new App(), 'BrandStack', { target, env: { account: '111111111111' } });
    };
    if (REFUSED[code]) {
      expect(build).toThrow(BrandConfigError);
      expect(build).toThrow(REFUSED[code]);
    } else {
      const stack = build();
      expect(stack.region).toBe(code);
      expect(stack.availabilityZones).toEqual(findRegion(code)!.zones);
      const template = App.of(stack)!.synth().getStackByName(stack.stackName).template;
      const subnetZones = Object.values<any>(template.Resources)
        .filter((r) => r.Type === 'AWS::EC2::Subnet')
        .map((r) => r.Properties.AvailabilityZone);
      expect(new Set(subnetZones)).toEqual(new Set(findRegion(code)!.zones));
    }
  });
});
