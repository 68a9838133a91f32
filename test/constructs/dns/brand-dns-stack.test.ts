/**
 * A brand that delegates a subdomain (dns.delegatedSubdomain): the stack hostname's zone
 * is a stack of its own (`<BrandStack name>-dns`) that BrandStack depends on, printing the
 * NS records of the one-time delegation; BrandStack's certificate validates in that zone.
 * And the promotion refuses production in several regions for brands without their own zone.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../../lib/app';
import { App } from 'aws-cdk-lib';
import { BrandRegistry, resolveTarget } from '../../../lib/config/registry';
import { parsePromotion } from '../../../lib/pipeline/promotion';
import { BrandDnsStack } from '../../../lib/stacks/brand-dns-stack';
import { BrandStack } from '../../../lib/stacks/brand-stack';

const BRANDS = path.join(__dirname, '..', '..', '..', 'brands');
const CERTIFICATE = (region: string) => `arn:aws:acm:${region}:111111111111:certificate/11111111-2222-3333-4444-555555555555`;

/** The example brands, with acme's `dns` replaced. */
function brandsWithAcmeDns(dns: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-brands-'));
  for (const file of fs.readdirSync(BRANDS).filter((f) => f.endsWith('.json'))) {
    const brand = JSON.parse(fs.readFileSync(path.join(BRANDS, file), 'utf8'));
    if (brand.id === 'acme') brand.dns = dns;
    fs.writeFileSync(path.join(dir, file), JSON.stringify(brand));
  }
  return dir;
}

describe('delegated subdomain', () => {
  let built: { dnsStack: BrandDnsStack; brandStack: BrandStack } | undefined;
  const delegated = () => {
    if (!built) {
      const app = buildApp({ brandsDir: brandsWithAcmeDns({ delegatedSubdomain: true }), context: { brand: 'acme', stage: 'low', region: 'eu-central-1' }, account: '111111111111' });
      built = { dnsStack: app.node.findChild('BrandDnsStack') as BrandDnsStack, brandStack: app.node.findChild('BrandStack') as BrandStack };
    }
    return built;
  };

  test('a stack of its own, named after BrandStack, with the zone of the stack hostname and its name servers as output', () => {
    const { dnsStack } = delegated();
    expect(dnsStack.stackName).toBe('brandstack-acme-low-eu-central-1-dns');
    expect(dnsStack.templateOptions.description).toMatch(/One-time step after the first deploy: add the NameServers output as an NS record 'eu-central-1.low.id.acme.example.com' in the parent zone/);
    const template = Template.fromStack(dnsStack);
    template.resourceCountIs('AWS::Route53::HostedZone', 1);
    template.hasResourceProperties('AWS::Route53::HostedZone', { Name: 'eu-central-1.low.id.acme.example.com.' });
    const zoneId = Object.keys(template.findResources('AWS::Route53::HostedZone'))[0];
    // Retained on update or delete (a parent may still delegate to it), removed when the first create fails.
    template.hasResource('AWS::Route53::HostedZone', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    const outputs = template.toJSON().Outputs;
    const nameServers = Object.entries<any>(outputs).find(([id]) => id.startsWith('DelegatedNameServers'))![1];
    expect(nameServers.Value).toEqual({ 'Fn::Join': [',', { 'Fn::GetAtt': [zoneId, 'NameServers'] }] });
    expect(nameServers.Description).toMatch(/^One-time step: in the zone of the parent domain, create an NS record 'eu-central-1.low.id.acme.example.com'/);
  });

  test('BrandStack depends on it and validates its certificate in that zone; no public name, no latency record', () => {
    const { dnsStack, brandStack } = delegated();
    expect(brandStack.dependencies).toContain(dnsStack);
    const template = Template.fromStack(brandStack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'eu-central-1.low.id.acme.example.com',
      DomainValidationOptions: [{ DomainName: 'eu-central-1.low.id.acme.example.com', HostedZoneId: { 'Fn::ImportValue': Match.stringLikeRegexp('^brandstack-acme-low-eu-central-1-dns:') } }],
    });
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    expect(brandStack.dns.names).toEqual(['eu-central-1.low.id.acme.example.com']);
    expect(brandStack.dns.publisher?.hostnames).toEqual(['eu-central-1.low.id.acme.example.com']);
    // Helm waits for ExternalDNS's pod: it is installed after the ingress controller, itself after the node pool.
    const [, chart] = Object.entries<any>(template.toJSON().Resources).find(([, r]) => r.Properties?.Release === 'external-dns')!;
    expect(chart.DependsOn.some((id: string) => id.startsWith('ClusterchartTraefik'))).toBe(true);
  });

  test('brands with their own zone get no DNS stack', () => {
    const plain = buildApp({ context: { brand: 'acme', stage: 'low' }, account: '111111111111' });
    expect(plain.node.tryFindChild('BrandDnsStack')).toBeUndefined();
  });
});

describe('pre-issued certificates', () => {
  test("BrandStack uses the brand's certificate for its environment and region, and installs no ExternalDNS", () => {
    const brandsDir = brandsWithAcmeDns({ certificates: { 'low/eu-central-1': CERTIFICATE('eu-central-1') } });
    // The app builds it too: the ExternalDNS acknowledgements concern only stacks that publish with ExternalDNS (onlyIn).
    expect(buildApp({ brandsDir, context: { brand: 'acme', stage: 'low', region: 'eu-central-1', pipeline: 'false' } }).node.tryFindChild('BrandStack')).toBeDefined();
    const registry = BrandRegistry.load(brandsDir);
    const target = resolveTarget(registry, { brand: 'acme', stage: 'low', region: 'eu-central-1' });
    const brandStack = new BrandStack(new App(), 'BrandStack', { target, env: { account: '111111111111' } });
    expect(brandStack.dns.certificate.certificateArn).toBe(CERTIFICATE('eu-central-1'));
    expect(brandStack.dns.publisher).toBeUndefined();
    const template = Template.fromStack(brandStack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('external-dns');
    expect(template.toJSON().Outputs.StackHostname.Value).toBe('eu-central-1.low.id.acme.example.com');
    const values = JSON.stringify(Object.values<any>(template.toJSON().Resources).find((r) => r.Properties?.Release === 'traefik').Properties.Values);
    expect(values).toContain(CERTIFICATE('eu-central-1'));
  });
});

describe('promotion: production in several regions needs the brand zone', () => {
  const promotionDoc = () => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'promotion.json'), 'utf8'));

  test.each([
    ['delegatedSubdomain', { delegatedSubdomain: true }],
    ['certificates', { certificates: Object.fromEntries(['test', 'staging', 'preprod', 'prod'].flatMap((e) => ['eu-central-1', 'eu-west-1'].map((r) => [`${e}/${r}`, CERTIFICATE(r)]))) }],
  ])('dns.%s in two prod regions is refused, naming the field', (kind, dns) => {
    const registry = BrandRegistry.load(brandsWithAcmeDns(dns));
    const doc = promotionDoc();
    const index = doc.stages.prod.brands.findIndex((b: any) => b.brand === 'acme');
    expect(doc.stages.prod.brands[index].regions.length).toBeGreaterThan(1);
    expect(() => parsePromotion('promotion.json', doc, registry)).toThrow(
      new RegExp(`promotion.json: field 'stages.prod.brands\\[${index}\\].regions' deploys 'acme' to 2 regions in prod, but brands/acme.json has dns.${kind}, which cannot publish the latency records of its public name 'id.acme.example.com'`),
    );
  });

  test('in one prod region it is accepted', () => {
    const registry = BrandRegistry.load(brandsWithAcmeDns({ delegatedSubdomain: true }));
    const doc = promotionDoc();
    const entry = doc.stages.prod.brands.find((b: any) => b.brand === 'acme');
    entry.regions = entry.regions.slice(0, 1);
    expect(parsePromotion('promotion.json', doc, registry).stages[3].deployments.filter((d) => d.target.brand.id === 'acme')).toHaveLength(1);
  });
});
