import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrandRegistry, resolveTarget } from '../../lib/config/registry';
import { REGION_CATALOG, deployableRegionCodes, findRegion } from '../../lib/config/regions';

const registry = BrandRegistry.load();

describe('region catalog', () => {
  test('holds every region of the residency table, each with a country and zones of that region', () => {
    expect(REGION_CATALOG.map((r) => r.code).sort()).toEqual(
      [
        'af-south-1', 'ap-southeast-4', 'ap-southeast-2', 'ap-east-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-1',
        'ap-northeast-2', 'ap-northeast-1', 'eu-west-3', 'eu-central-1', 'eu-west-1', 'eu-south-1', 'eu-west-2', 'eu-south-2',
        'eu-north-1', 'eu-central-2', 'me-south-1', 'me-central-1', 'ca-central-1', 'us-west-2', 'us-west-1', 'us-east-1', 'sa-east-1',
      ].sort(),
    );
    for (const region of REGION_CATALOG) {
      expect(region.country).not.toBe('');
      expect(region.countryCode).toMatch(/^[A-Z]{2}$/);
      for (const zone of region.zones) expect(zone).toMatch(new RegExp(`^${region.code}[a-z]$`));
    }
  });

  test('every deployable region offers three distinct zones; us-west-1 is refused with a reason', () => {
    for (const code of deployableRegionCodes()) expect(new Set(findRegion(code)!.zones).size).toBe(3);
    expect(deployableRegionCodes()).not.toContain('us-west-1');
    expect(findRegion('us-west-1')!.refusedBecause).toMatch(/two availability zones/);
  });
});

describe('brand registry', () => {
  test('loads the example brands, including one with Asia-Pacific residency', () => {
    expect(registry.ids).toEqual(expect.arrayContaining(['acme', 'koala']));
    const koala = registry.get('koala');
    expect(koala.allowedRegions.length).toBeGreaterThanOrEqual(2);
    for (const code of koala.allowedRegions) expect(findRegion(code)!.area).toBe('Asia-Pacific');
  });

  test('an unknown brand names the brand and the known ones', () => {
    expect(() => registry.get('initech')).toThrow("Unknown brand 'initech'; known brands: acme, koala");
  });

  function withBrandsDir(files: Record<string, string>, body: (dir: string) => void) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brands-'));
    const brands = path.join(dir, 'brands');
    fs.mkdirSync(brands);
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(brands, name), text);
    try {
      body(brands);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('a brand file that is not JSON names the file', () => {
    withBrandsDir({ 'broken.json': '{ "id": "broken", ' }, (dir) => {
      expect(() => BrandRegistry.load(dir)).toThrow(/^brands\/broken\.json: not valid JSON/);
    });
  });

  test('a brand file must be named after its id', () => {
    const acme = fs.readFileSync(path.join(__dirname, '../../brands/acme.json'), 'utf8');
    withBrandsDir({ 'acme-corp.json': acme }, (dir) => {
      expect(() => BrandRegistry.load(dir)).toThrow("brands/acme-corp.json: field 'id' is 'acme' but the file must be named acme.json");
    });
  });
});

describe('target resolution from context', () => {
  test('defaults: brand acme, its home region and its default stage', () => {
    const target = resolveTarget(registry, {});
    expect([target.brand.id, target.region.code, target.stage.name]).toEqual(['acme', 'eu-central-1', 'low']);
    expect(target.region.zones).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
  });

  test('explicit brand, region and stage', () => {
    const target = resolveTarget(registry, { brand: 'koala', region: 'ap-southeast-4', stage: 'low' });
    expect([target.brand.id, target.region.code, target.stage.name, target.region.country]).toEqual(['koala', 'ap-southeast-4', 'low', 'Australia']);
  });

  test('a region outside the catalog names it and the allowed ones', () => {
    expect(() => resolveTarget(registry, { region: 'cn-north-1' })).toThrow(
      "Region 'cn-north-1' is not in the region catalog; allowed regions for 'acme': eu-central-1, eu-west-1",
    );
  });

  test('a catalog region the brand does not allow is refused (data residency)', () => {
    expect(() => resolveTarget(registry, { brand: 'koala', region: 'eu-central-1' })).toThrow(
      "Region 'eu-central-1' is not allowed for brand 'koala' (data residency); allowed regions for 'koala': ap-southeast-2, ap-southeast-4",
    );
  });

  test('an unknown stage and a non-string context value are refused', () => {
    expect(() => resolveTarget(registry, { stage: 'prod' })).toThrow("Unknown stage 'prod'; allowed stages: low, high");
    expect(() => resolveTarget(registry, { brand: '' })).toThrow("Context 'brand' must be a non-empty string");
  });
});
