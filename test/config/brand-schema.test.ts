import * as fs from 'fs';
import * as path from 'path';
import { CUSTOMER_ID, parseBrand } from '../../lib/config/brand';
import { CUSTOMER_ID as RUNTIME_CUSTOMER_ID } from '../../runtime/src/tenants/provisioning';
import { BrandConfigError } from '../../lib/config/errors';

const FILE = 'brands/acme.json';
const acme = () => JSON.parse(fs.readFileSync(path.join(__dirname, '../../brands/acme.json'), 'utf8'));

function expectRefused(mutate: (brand: any) => void, ...fragments: string[]) {
  const brand = acme();
  mutate(brand);
  let thrown: unknown;
  try {
    parseBrand(FILE, brand);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BrandConfigError);
  const message = (thrown as Error).message;
  expect(message.startsWith(`${FILE}: field '`)).toBe(true);
  for (const fragment of fragments) expect(message).toContain(fragment);
}

describe('brand schema', () => {
  test('the example brand parses with its declared values and per-stage database defaults', () => {
    const brand = parseBrand(FILE, acme());
    expect(brand).toMatchObject({ id: 'acme', homeRegion: 'eu-central-1', defaultStage: 'low', database: { low: 'serverless', high: 'provisioned' } });
    const withoutDatabase = acme();
    delete withoutDatabase.database;
    expect(parseBrand(FILE, withoutDatabase).database).toEqual({ low: 'serverless', high: 'serverless' });
  });

  test('root that is not an object', () => {
    expect(() => parseBrand(FILE, [])).toThrow(`${FILE}: field '(root)' must be a JSON object`);
  });

  test('missing and mistyped fields name the field', () => {
    expectRefused((b) => delete b.displayName, "'displayName'", 'is required');
    expectRefused((b) => (b.customers = 'globex'), "'customers'", 'array of strings');
    expectRefused((b) => delete b.network, "'network'", 'appCidr, mongoCidr, rabbitCidr, vpnCidr');
  });

  test('unknown fields are refused (typos must not be ignored)', () => {
    expectRefused((b) => (b.homeRegoin = 'eu-west-1'), "'homeRegoin'", 'known fields: id, displayName');
    expectRefused((b) => (b.network.vpnCidrs = '10.0.0.0/24'), "'network.vpnCidrs'");
  });

  test('id must be DNS-safe', () => {
    expectRefused((b) => (b.id = 'Acme_Corp'), "'id'", 'DNS-safe');
  });

  test('regions outside the catalog, refused regions, and a home region not allowed', () => {
    expectRefused((b) => (b.homeRegion = 'cn-north-1'), "'homeRegion'", "'cn-north-1' is not in the region catalog", 'allowed: af-south-1');
    expectRefused((b) => (b.allowedRegions = ['eu-central-1', 'us-west-1']), "'allowedRegions[1]'", "'us-west-1' is refused", 'three zones');
    expectRefused((b) => (b.allowedRegions = ['eu-west-1']), "'allowedRegions'", "must include the home region 'eu-central-1'");
    expectRefused((b) => (b.allowedRegions = ['eu-central-1', 'eu-central-1']), "'allowedRegions'", 'more than once');
  });

  test('stage must be low or high', () => {
    expectRefused((b) => (b.defaultStage = 'prod'), "'defaultStage'", 'low, high', '"prod"');
  });

  test('customer ids: duplicates and characters a KMS alias cannot hold', () => {
    expectRefused((b) => (b.customers = ['globex', 'globex']), "'customers'", "'globex' more than once");
    expectRefused((b) => (b.customers = ['globex', 'big corp']), "'customers[1]'", 'KMS key alias');
    expectRefused((b) => (b.customers = ['a:b']), "'customers[0]'", 'KMS key alias');
    expectRefused((b) => (b.customers = []), "'customers'", 'at least one');
    expectRefused((b) => (b.customers = ['globex', 'platform']), "'customers[1]'", 'reserved');
    expectRefused((b) => (b.customers = ['Globex']), "'customers[0]'", 'KMS key alias');
  });

  test('customer ids: only what the runtime accepts when a tenant names its customer (no underscore, comma or edge hyphen)', () => {
    for (const bad of ['acme_retail', 'acme,retail', 'acme-', '-acme', 'a'.repeat(64)]) {
      expectRefused((b) => (b.customers = [bad]), "'customers[0]'", "use 1-63 lower-case letters, digits and '-'");
    }
  });

  test("the brand file's customer id rule and the runtime's are the same rule", () => {
    const samples = ['a', '0', 'acme-retail', 'a1-b2', 'acme_retail', 'Acme', 'acme-', '-acme', 'a--b', 'a'.repeat(63), 'a'.repeat(64), 'a b', 'a,b', ''];
    for (const sample of samples) expect([sample, CUSTOMER_ID.test(sample)]).toEqual([sample, RUNTIME_CUSTOMER_ID.test(sample)]);
  });

  test('CIDRs: malformed, host bits, public VPC ranges', () => {
    expectRefused((b) => (b.network.appCidr = '10.10.0.0'), "'network.appCidr'", 'a.b.c.d/n');
    expectRefused((b) => (b.network.appCidr = '10.10.1.0/16'), "'network.appCidr'", 'host bits', '10.10.0.0/16');
    expectRefused((b) => (b.network.mongoCidr = '300.1.0.0/20'), "'network.mongoCidr'", 'octet above 255');
    expectRefused((b) => (b.network.rabbitCidr = '8.8.0.0/20'), "'network.rabbitCidr'", 'RFC 1918');
    expectRefused((b) => (b.network.appCidr = '10.0.0.0/8'), "'network.appCidr'", 'wider than /16');
  });

  test('overlapping CIDRs name both fields', () => {
    expectRefused((b) => (b.network.mongoCidr = '10.10.16.0/20'), "'network.appCidr'", "overlaps field 'network.mongoCidr'");
    expectRefused((b) => (b.network.rabbitCidr = '10.11.0.0/24'), "'network.mongoCidr'", "overlaps field 'network.rabbitCidr'");
    expectRefused((b) => (b.network.vpnCidr = '10.12.0.0/24'), "'network.rabbitCidr'", "overlaps field 'network.vpnCidr'");
  });

  test('a VPN CIDR of 0.0.0.0/0 or wider than /16 is refused', () => {
    expectRefused((b) => (b.network.vpnCidr = '0.0.0.0/0'), "'network.vpnCidr'", 'wider than /16', 'open the bastion to the internet');
    expectRefused((b) => (b.network.vpnCidr = '198.0.0.0/8'), "'network.vpnCidr'", 'wider than /16');
  });

  test('domain, contact and database mode are validated', () => {
    expectRefused((b) => (b.domain = 'https://id.acme.example.com'), "'domain'", 'DNS name');
    expectRefused((b) => (b.securityContactEmail = 'security'), "'securityContactEmail'", 'e-mail');
    expectRefused((b) => (b.database = { high: 'dedicated' }), "'database.high'", 'serverless, provisioned');
    expectRefused((b) => (b.database = { prod: 'serverless' }), "'database.prod'", 'known fields: low, high');
  });
});
