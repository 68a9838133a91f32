/**
 * StackHostname and ExternalDns: each BrandStack's names, a certificate that validates
 * through the zone with no manual step (CloudFormation writes the validation records),
 * ExternalDNS limited to that one zone and those names, and in production a latency
 * record per region with a Route 53 health check. A brand with pre-issued certificates
 * gets neither zone nor ExternalDNS.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { BrandDns } from '../../../lib/config/dns';
import { parseBrand } from '../../../lib/config/brand';
import { ExternalDns, recordNamesOf, EXTERNAL_DNS_CHART_VERSION } from '../../../lib/constructs/dns/external-dns';
import { stackHostnameProps } from '../../../lib/constructs/dns/hostname-authority';
import { StackHostname, HEALTH_CHECK_PATH } from '../../../lib/constructs/dns/stack-hostname';
import { HELM_RESOURCE_TYPE } from '../../../lib/posture';
import { helmValues } from '../../../lib/posture/facts/cluster/manifests';

const ACME = parseBrand('brands/acme.json', JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'brands', 'acme.json'), 'utf8')));
const PROD_ZONE = { id: 'Z0ACMEEXAMPLE40000000', name: 'acme.example.com' };
const TEST_ZONE = { id: 'Z0ACMEEXAMPLE10000000', name: 'test.id.acme.example.com' };
const CERTIFICATE_ARN = 'arn:aws:acm:eu-central-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function newStack(region = 'eu-central-1', name = 'Test') {
  return new Stack(new App(), name, { env: { account: '111111111111', region } });
}

function newCluster(stack: Stack): eks.Cluster {
  const vpc = new ec2.Vpc(stack, 'Vpc', { availabilityZones: ['eu-central-1a', 'eu-central-1b'], natGateways: 1 });
  return new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_34,
    kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(stack, 'KubectlLayer') },
    vpc,
    defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
    compute: { nodePools: [] },
  });
}

/** StackHostname for acme in `environment` and `region`, as BrandStack builds it. */
function hostnameOf(stack: Stack, environment: string, dns: BrandDns = ACME.dns, delegatedZone?: route53.IHostedZone) {
  const region = stack.region;
  return new StackHostname(
    stack,
    'Dns',
    stackHostnameProps(stack, {
      dns,
      domain: ACME.domain,
      hostname: `${region}.${environment}.${ACME.domain}`,
      environment,
      region,
      servesPublicName: environment === 'prod',
      delegatedZone,
    }),
  );
}

function externalDnsValues(stack: Stack): any {
  const [chart] = Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter((r) => r.Type === HELM_RESOURCE_TYPE && r.Properties.Release === 'external-dns');
  return chart && { ...helmValues(chart.Properties.Values), version: chart.Properties.Version };
}

describe('brand zone (dns.hostedZones)', () => {
  test('a non-production stack: a certificate for its hostname, validated through the environment zone by CloudFormation', () => {
    const stack = newStack();
    const dns = hostnameOf(stack, 'test');
    expect(dns.names).toEqual(['eu-central-1.test.id.acme.example.com']);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 1);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'eu-central-1.test.id.acme.example.com',
      SubjectAlternativeNames: Match.absent(),
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'eu-central-1.test.id.acme.example.com', HostedZoneId: TEST_ZONE.id }],
    });
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    // No hosted zone is created or looked up: the brand's zone is imported by id and name.
    template.resourceCountIs('AWS::Route53::HostedZone', 0);
    expect(dns.serviceAnnotations).toEqual({ 'external-dns.alpha.kubernetes.io/hostname': 'eu-central-1.test.id.acme.example.com' });
  });

  test('a production stack also serves the public name: both names validated in the prod zone, a latency record with an HTTPS health check', () => {
    const stack = newStack();
    const dns = hostnameOf(stack, 'prod');
    expect(dns.names).toEqual(['eu-central-1.prod.id.acme.example.com', 'id.acme.example.com']);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'eu-central-1.prod.id.acme.example.com',
      SubjectAlternativeNames: ['id.acme.example.com'],
      DomainValidationOptions: [
        { DomainName: 'eu-central-1.prod.id.acme.example.com', HostedZoneId: PROD_ZONE.id },
        { DomainName: 'id.acme.example.com', HostedZoneId: PROD_ZONE.id },
      ],
    });
    template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'eu-central-1.prod.id.acme.example.com',
        Port: 443,
        ResourcePath: HEALTH_CHECK_PATH,
        EnableSNI: true,
      }),
    });
    expect(HEALTH_CHECK_PATH).toBe('/healthz/ready');
    const healthCheck = Object.keys(template.findResources('AWS::Route53::HealthCheck'))[0];
    expect(stack.resolve(dns.serviceAnnotations)).toEqual({
      'external-dns.alpha.kubernetes.io/hostname': 'eu-central-1.prod.id.acme.example.com,id.acme.example.com',
      'external-dns.alpha.kubernetes.io/set-identifier': 'eu-central-1',
      'external-dns.alpha.kubernetes.io/aws-region': 'eu-central-1',
      // Ref of AWS::Route53::HealthCheck is its id.
      'external-dns.alpha.kubernetes.io/aws-health-check-id': { Ref: healthCheck },
    });
  });

  test('each production region publishes its own latency record: set identifier and region differ, the public name is shared', () => {
    const [a, b] = ['eu-central-1', 'eu-west-1'].map((region) => hostnameOf(newStack(region), 'prod').serviceAnnotations);
    expect(a['external-dns.alpha.kubernetes.io/set-identifier']).toBe('eu-central-1');
    expect(b['external-dns.alpha.kubernetes.io/set-identifier']).toBe('eu-west-1');
    expect(b['external-dns.alpha.kubernetes.io/aws-region']).toBe('eu-west-1');
    expect(a['external-dns.alpha.kubernetes.io/hostname'].split(',')[1]).toBe(b['external-dns.alpha.kubernetes.io/hostname'].split(',')[1]);
  });

  test('a name outside the zone is refused: its certificate could never validate there', () => {
    const stack = newStack();
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0OTHER', zoneName: 'other.example.com' });
    expect(() => new StackHostname(stack, 'Dns', { hostname: 'eu-central-1.test.id.acme.example.com', authority: { kind: 'brand-zone', zone } })).toThrow(
      /StackHostname: 'eu-central-1.test.id.acme.example.com' is not in hosted zone 'other.example.com'/,
    );
  });
});

describe('ExternalDNS', () => {
  function published(environment = 'prod', region = 'eu-central-1') {
    const stack = newStack(region, `brandstack-acme-high-${region}`);
    const dns = hostnameOf(stack, environment);
    const publisher = dns.publishFrom(newCluster(stack), { sourceNamespace: 'traefik', ownerId: stack.stackName })!;
    return { stack, dns, publisher, template: Template.fromStack(stack), values: externalDnsValues(stack) };
  }

  test('its Pod Identity role may change records only in the one zone, only these names and their TXT records', () => {
    const { template, publisher, stack } = published();
    const zoneArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:route53:::hostedzone/${PROD_ZONE.id}`]] };
    const roleId = stack.getLogicalId(publisher.role.node.defaultChild as any);
    const [policy] = Object.values<any>(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'route53:ChangeResourceRecordSets',
        Resource: zoneArn,
        Condition: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
              'eu-central-1.prod.id.acme.example.com',
              'a-eu-central-1.prod.id.acme.example.com',
              'aaaa-eu-central-1.prod.id.acme.example.com',
              'cname-eu-central-1.prod.id.acme.example.com',
              'id.acme.example.com',
              'a-id.acme.example.com',
              'aaaa-id.acme.example.com',
              'cname-id.acme.example.com',
            ],
            'route53:ChangeResourceRecordSetsRecordTypes': ['A', 'AAAA', 'CNAME', 'TXT'],
            'route53:ChangeResourceRecordSetsActions': ['CREATE', 'UPSERT', 'DELETE'],
          },
        },
      },
      { Effect: 'Allow', Action: ['route53:ListResourceRecordSets', 'route53:ListTagsForResources'], Resource: zoneArn },
      { Effect: 'Allow', Action: 'route53:ListHostedZones', Resource: '*' },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' } })],
      },
      Description: Match.stringLikeRegexp('^ExternalDNS: publishes'),
    });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-dns', ServiceAccount: 'external-dns', RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });

  test('pinned chart; one zone, the stack names, the TXT registry with an owner id unique to the stack, sync policy', () => {
    const { values } = published();
    expect(values.version).toBe(EXTERNAL_DNS_CHART_VERSION);
    expect(values).toMatchObject({
      replicaCount: 1,
      provider: { name: 'aws' },
      sources: ['service'],
      namespaced: true,
      sourceNamespace: 'traefik',
      registry: 'txt',
      policy: 'sync',
      txtOwnerId: 'brandstack-acme-high-eu-central-1',
      annotationPrefix: 'external-dns.alpha.kubernetes.io/',
      domainFilters: ['eu-central-1.prod.id.acme.example.com', 'id.acme.example.com'],
      extraArgs: [`--zone-id-filter=${PROD_ZONE.id}`, '--aws-zone-type=public'],
      serviceAccount: { create: true, name: 'external-dns' },
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    });
  });

  test('two regions sharing the production zone own their records under different owner ids', () => {
    const owners = ['eu-central-1', 'eu-west-1'].map((region) => published('prod', region).values.txtOwnerId);
    expect(new Set(owners).size).toBe(2);
  });

  test('record names of the TXT registry (v0.21: <type>-<first label>.<rest>)', () => {
    expect(recordNamesOf('Id.Acme.example.com')).toEqual(['id.acme.example.com', 'a-id.acme.example.com', 'aaaa-id.acme.example.com', 'cname-id.acme.example.com']);
  });

  test('upsert-only never deletes, so its role may not either', () => {
    const stack = newStack();
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(stack, 'Zone', { hostedZoneId: TEST_ZONE.id, zoneName: TEST_ZONE.name });
    const publisher = new ExternalDns(stack, 'ExternalDns', { cluster: newCluster(stack), zone, hostnames: ['eu-central-1.test.id.acme.example.com'], ownerId: 'x', sourceNamespace: 'traefik', policy: 'upsert-only' });
    const policyId = stack.getLogicalId(publisher.role.node.findChild('DefaultPolicy').node.defaultChild as any);
    const [change] = Template.fromStack(stack).toJSON().Resources[policyId].Properties.PolicyDocument.Statement;
    expect(change.Action).toBe('route53:ChangeResourceRecordSets');
    expect(change.Condition['ForAllValues:StringEquals']['route53:ChangeResourceRecordSetsActions']).toEqual(['CREATE', 'UPSERT']);
    expect(externalDnsValues(stack).policy).toBe('upsert-only');
  });

  test('refusals name the prop', () => {
    const stack = newStack();
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(stack, 'Zone', { hostedZoneId: TEST_ZONE.id, zoneName: TEST_ZONE.name });
    const cluster = newCluster(stack);
    expect(() => new ExternalDns(stack, 'A', { cluster, zone, hostnames: [], ownerId: 'x', sourceNamespace: 'traefik' })).toThrow(/ExternalDns: 'hostnames' must name at least one name/);
    expect(() => new ExternalDns(stack, 'B', { cluster, zone, hostnames: ['a.test.id.acme.example.com'], ownerId: 'bad owner', sourceNamespace: 'traefik' })).toThrow(/ExternalDns: 'ownerId' must be 1-128/);
    const dns = hostnameOf(stack, 'test');
    dns.publishFrom(cluster, { sourceNamespace: 'traefik', ownerId: 'x' });
    expect(() => dns.publishFrom(cluster, { sourceNamespace: 'traefik', ownerId: 'y' })).toThrow(/publishFrom was already called/);
  });
});

describe('pre-issued certificates (dns.certificates)', () => {
  const dns: BrandDns = { kind: 'certificates', certificates: { 'prod/eu-central-1': CERTIFICATE_ARN } };

  test("the brand's certificate, no zone, no health check, no ExternalDNS: the brand publishes its names", () => {
    const stack = newStack();
    const hostname = hostnameOf(stack, 'prod', dns);
    expect(hostname.certificate.certificateArn).toBe(CERTIFICATE_ARN);
    expect(hostname.zone).toBeUndefined();
    expect(hostname.publishesRecords).toBe(false);
    expect(hostname.serviceAnnotations).toEqual({});
    expect(hostname.publishFrom(newCluster(stack), { sourceNamespace: 'traefik', ownerId: 'x' })).toBeUndefined();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    template.resourceCountIs('AWS::EKS::PodIdentityAssociation', 0);
    expect(externalDnsValues(stack)).toBeUndefined();
  });

  test('a missing certificate for the environment and region is refused, naming the key', () => {
    expect(() => hostnameOf(newStack('eu-west-1'), 'prod', dns)).toThrow(/no certificate for 'prod\/eu-west-1' \(dns.certificates\)/);
  });
});

describe('delegated subdomain (dns.delegatedSubdomain)', () => {
  test("the certificate validates in the stack's own zone; the public name is not served from it", () => {
    const app = new App();
    const zoneStack = new Stack(app, 'Zone', { env: { account: '111111111111', region: 'eu-central-1' } });
    const zone = new route53.PublicHostedZone(zoneStack, 'Zone', { zoneName: 'eu-central-1.prod.id.acme.example.com' });
    const stack = new Stack(app, 'Brand', { env: { account: '111111111111', region: 'eu-central-1' } });
    const hostname = hostnameOf(stack, 'prod', { kind: 'delegatedSubdomain' }, zone);
    expect(hostname.names).toEqual(['eu-central-1.prod.id.acme.example.com']);
    Template.fromStack(stack).hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'eu-central-1.prod.id.acme.example.com',
      SubjectAlternativeNames: Match.absent(),
      DomainValidationOptions: [{ DomainName: 'eu-central-1.prod.id.acme.example.com', HostedZoneId: { 'Fn::ImportValue': Match.anyValue() } }],
    });
    Template.fromStack(stack).resourceCountIs('AWS::Route53::HealthCheck', 0);
  });

  test('a public name from a delegated zone, or no zone at all, is refused', () => {
    const stack = newStack();
    const zone = route53.PublicHostedZone.fromPublicHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z0DELEGATED', zoneName: 'eu-central-1.prod.id.acme.example.com' });
    expect(() => new StackHostname(stack, 'Dns', { hostname: 'eu-central-1.prod.id.acme.example.com', publicName: 'id.acme.example.com', authority: { kind: 'delegated-zone', zone } })).toThrow(
      /StackHostname: 'publicName' \(id.acme.example.com\) cannot be served from a delegated zone/,
    );
    expect(() => hostnameOf(newStack(), 'test', { kind: 'delegatedSubdomain' })).toThrow(/'delegatedZone' is required for a brand with dns.delegatedSubdomain/);
  });
});
