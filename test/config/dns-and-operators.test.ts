import * as fs from 'fs';
import * as path from 'path';
import { parseBrand } from '../../lib/config/brand';
import { hostedZoneFor } from '../../lib/config/dns';
import { BrandConfigError } from '../../lib/config/errors';
import { servesPublicName, stackHostname } from '../../lib/config/naming';
import { BrandRegistry, resolveTarget } from '../../lib/config/registry';

const FILE = 'brands/acme.json';
const acme = () => JSON.parse(fs.readFileSync(path.join(__dirname, '../../brands/acme.json'), 'utf8'));
const CERT = (region: string) => `arn:aws:acm:${region}:222222222222:certificate/11111111-2222-4333-8444-555555555555`;

function refusal(mutate: (brand: any) => void): string {
  const brand = acme();
  mutate(brand);
  try {
    parseBrand(FILE, brand);
  } catch (error) {
    expect(error).toBeInstanceOf(BrandConfigError);
    return (error as Error).message;
  }
  throw new Error('the brand file was accepted');
}

function registryOf(mutate: (brand: any) => void): BrandRegistry {
  const brand = acme();
  mutate(brand);
  return new BrandRegistry([parseBrand(FILE, brand)]);
}

describe('brand dns', () => {
  test('a brand file with no dns choice is refused, naming the three choices', () => {
    expect(refusal((b) => delete b.dns)).toBe(
      `${FILE}: field 'dns' is required: choose one of hostedZones, delegatedSubdomain, certificates, so the ingress certificate can validate without a manual step (see README, Adding a brand)`,
    );
    expect(refusal((b) => (b.dns = {}))).toContain("field 'dns' must set exactly one of hostedZones, delegatedSubdomain, certificates (got none)");
    expect(refusal((b) => (b.dns.delegatedSubdomain = true))).toContain('(got hostedZones and delegatedSubdomain)');
    expect(refusal((b) => (b.dns = { hostedZone: {} }))).toContain("field 'dns.hostedZone' is not a known field; known fields: hostedZones, delegatedSubdomain, certificates");
  });

  test('hosted zones: ids, names and the names they must hold are checked per environment', () => {
    expect(refusal((b) => (b.dns.hostedZones.test.id = 'zone-1'))).toContain("field 'dns.hostedZones.test.id' 'zone-1' is not a Route 53 hosted zone id");
    expect(refusal((b) => (b.dns.hostedZones.test.name = 'other.example.org'))).toBe(
      `${FILE}: field 'dns.hostedZones.test.name' 'other.example.org' must be 'test.id.acme.example.com' or a parent of it, so the environment's records can be published there`,
    );
    // The production zone also holds the public name, so a zone for prod.id.… alone cannot serve it.
    expect(refusal((b) => (b.dns.hostedZones.prod.name = 'prod.id.acme.example.com'))).toContain("must be 'id.acme.example.com' or a parent of it");
    expect(refusal((b) => (b.dns.hostedZones['Prod!'] = { id: 'Z1', name: 'acme.example.com' }))).toContain("is keyed by 'Prod!'");
    expect(refusal((b) => (b.dns.hostedZones = {}))).toContain("field 'dns.hostedZones' must map at least one environment");
    expect(refusal((b) => (b.dns.hostedZones.test.extra = 1))).toContain("field 'dns.hostedZones.test.extra' is not a known field");
  });

  test('an environment uses its own zone, else the * zone; one with neither is refused at target resolution', () => {
    const dns = parseBrand(FILE, acme()).dns;
    expect(hostedZoneFor(dns, 'test')).toEqual({ id: 'Z0ACMEEXAMPLE10000000', name: 'test.id.acme.example.com' });
    expect(hostedZoneFor(dns, 'low')).toEqual({ id: 'Z0ACMEEXAMPLE00000000', name: 'acme.example.com' });
    const withoutDefault = registryOf((b) => delete b.dns.hostedZones['*']);
    expect(() => resolveTarget(withoutDefault, { brand: 'acme' })).toThrow(
      `Brand 'acme' has no hosted zone for environment 'low': add "low" (or "*") to dns.hostedZones in brands/acme.json (it has: test, staging, preprod, prod)`,
    );
    expect(resolveTarget(withoutDefault, { brand: 'acme', environment: 'prod' }).environment).toBe('prod');
  });

  test('delegated subdomain must be exactly true', () => {
    expect(refusal((b) => (b.dns = { delegatedSubdomain: 'yes' }))).toContain("field 'dns.delegatedSubdomain' must be true when chosen");
    expect(parseBrand(FILE, { ...acme(), dns: { delegatedSubdomain: true } }).dns).toEqual({ kind: 'delegatedSubdomain' });
  });

  test('pre-issued certificates: keyed environment/region, in the allowed regions, from the same region', () => {
    const parsed = parseBrand(FILE, { ...acme(), dns: { certificates: { 'prod/eu-central-1': CERT('eu-central-1') } } });
    expect(parsed.dns).toEqual({ kind: 'certificates', certificates: { 'prod/eu-central-1': CERT('eu-central-1') } });
    expect(refusal((b) => (b.dns = { certificates: { prod: CERT('eu-central-1') } }))).toContain(`field 'dns.certificates.prod' must be keyed "<environment>/<region>"`);
    expect(refusal((b) => (b.dns = { certificates: { 'prod/us-east-1': CERT('us-east-1') } }))).toContain(
      "names region 'us-east-1', which is not in allowedRegions (eu-central-1, eu-west-1)",
    );
    expect(refusal((b) => (b.dns = { certificates: { 'prod/eu-west-1': CERT('eu-central-1') } }))).toContain(
      'is a certificate in eu-central-1, but a load balancer in eu-west-1 can only use a certificate from its own region',
    );
    expect(refusal((b) => (b.dns = { certificates: { 'prod/eu-west-1': 'arn:aws:iam::1:role/x' } }))).toContain('must be an ACM certificate ARN');
    const registry = registryOf((b) => (b.dns = { certificates: { 'prod/eu-central-1': CERT('eu-central-1') } }));
    expect(() => resolveTarget(registry, { brand: 'acme', environment: 'test' })).toThrow(
      `Brand 'acme' has no certificate for environment 'test' in eu-central-1: add "test/eu-central-1" to dns.certificates in brands/acme.json (it has: prod/eu-central-1)`,
    );
  });
});

describe('brand operators', () => {
  test('cluster-admin roles are required IAM role ARNs; users and the root are refused', () => {
    expect(refusal((b) => delete b.operators)).toContain("field 'operators' is required");
    expect(refusal((b) => (b.operators.clusterAdminRoleArns = []))).toContain("field 'operators.clusterAdminRoleArns' must list at least one IAM role ARN");
    expect(refusal((b) => (b.operators.clusterAdminRoleArns = ['arn:aws:iam::222222222222:root']))).toBe(
      `${FILE}: field 'operators.clusterAdminRoleArns[0]' 'arn:aws:iam::222222222222:root' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); users and the account root are not accepted`,
    );
    expect(refusal((b) => (b.operators.clusterAdminRoleArns = ['arn:aws:iam::222222222222:user/alice']))).toContain('is not an IAM role ARN');
    expect(refusal((b) => (b.operators.keyAdministratorArns = ['arn:aws:iam::222222222222:role/a', 'arn:aws:iam::222222222222:role/a']))).toContain('more than once');
    expect(refusal((b) => (b.operators.admins = []))).toContain("field 'operators.admins' is not a known field");
  });

  test('roles with paths are accepted; key administrators default to none (the account root administers)', () => {
    const brand = acme();
    brand.operators.clusterAdminRoleArns = ['arn:aws:iam::222222222222:role/platform/ops/acme-operators'];
    const parsed = parseBrand(FILE, brand);
    expect(parsed.operators).toEqual({ clusterAdminRoleArns: ['arn:aws:iam::222222222222:role/platform/ops/acme-operators'], keyAdministratorArns: [] });
  });
});

describe('environment and hostname', () => {
  const registry = BrandRegistry.load();

  test('a direct deploy is its stage environment; the hostname is region.environment.domain', () => {
    const target = resolveTarget(registry, {});
    expect(target.environment).toBe('low');
    expect(stackHostname(target)).toBe('eu-central-1.low.id.acme.example.com');
    expect(servesPublicName(target)).toBe(false);
    const prod = resolveTarget(registry, { brand: 'koala', region: 'ap-southeast-4', stage: 'high', environment: 'prod' });
    expect(stackHostname(prod)).toBe('ap-southeast-4.prod.id.koala.example.net');
    expect(servesPublicName(prod)).toBe(true);
  });

  test('a bad environment, or one that makes the hostname too long for ACM, is refused', () => {
    expect(() => resolveTarget(registry, { environment: 'Prod' })).toThrow("Context 'environment' 'Prod' must be a DNS label");
    expect(() => resolveTarget(registry, { environment: 42 })).toThrow("Context 'environment' must be a non-empty string");
    const long = registryOf((b) => {
      b.domain = 'identity-services.acme-corporation.example.com';
      b.dns.hostedZones = { '*': { id: 'Z1', name: 'example.com' } };
    });
    expect(() => resolveTarget(long, { environment: 'preproduction' })).toThrow(
      "Hostname 'eu-central-1.preproduction.identity-services.acme-corporation.example.com' of brand 'acme' is 73 characters; ACM certificates allow 64",
    );
  });

  test('promotion targets carry the promotion stage as their environment', () => {
    const { loadPromotion } = require('../../lib/pipeline/promotion') as typeof import('../../lib/pipeline/promotion');
    const promotion = loadPromotion(registry, () => undefined);
    for (const stage of promotion.stages) for (const d of stage.deployments) expect(d.target.environment).toBe(stage.name);
  });
});
