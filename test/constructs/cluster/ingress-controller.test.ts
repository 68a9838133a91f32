/**
 * IngressController: the load balancer's certificate and names come from the stack
 * (serve), and Traefik believes PROXY protocol headers only from the subnets the
 * Network Load Balancer is placed in (the VPC's public subnets), never from the
 * subnets pods get their addresses from.
 */
import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { IngressController } from '../../../lib/constructs/cluster/ingress-controller';
import { overlaps, parseCidr, type Ipv4Cidr } from '../../../lib/config/cidr';
import { HELM_RESOURCE_TYPE } from '../../../lib/posture';
import { helmValues } from '../../../lib/posture/facts/cluster/manifests';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-central-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';

function scaffold() {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.10.0.0/16'),
    availabilityZones: ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'],
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 18 },
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 22 },
    ],
  });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_34,
    kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(stack, 'KubectlLayer') },
    vpc,
    vpcSubnets: [{ subnetGroupName: 'Workload' }],
    defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
    compute: { nodePools: [] },
  });
  return { stack, vpc, cluster };
}

function traefikValues(stack: Stack): any {
  const [chart] = Object.values<any>(Template.fromStack(stack).toJSON().Resources).filter((r) => r.Type === HELM_RESOURCE_TYPE && r.Properties.Release === 'traefik');
  return helmValues(chart.Properties.Values);
}

function served() {
  const s = scaffold();
  const ingress = new IngressController(s.stack, 'Ingress', { cluster: s.cluster, domain: 'id.acme.example.com' });
  ingress.serve({
    certificate: acm.Certificate.fromCertificateArn(s.stack, 'Cert', CERTIFICATE_ARN),
    hostnames: ['eu-central-1.prod.id.acme.example.com', 'id.acme.example.com'],
    dnsAnnotations: { 'external-dns.alpha.kubernetes.io/hostname': 'eu-central-1.prod.id.acme.example.com,id.acme.example.com' },
  });
  return { ...s, ingress, values: traefikValues(s.stack) };
}

describe('PROXY protocol trust', () => {
  test('Traefik trusts exactly the public subnet CIDRs, where the NLB is placed', () => {
    const { vpc, values, ingress } = served();
    const publicCidrs = vpc.publicSubnets.map((subnet) => subnet.ipv4CidrBlock).sort();
    expect(publicCidrs).toEqual(['10.10.192.0/22', '10.10.196.0/22', '10.10.200.0/22']);
    expect([...values.ports.websecure.proxyProtocol.trustedIPs].sort()).toEqual(publicCidrs);
    expect([...ingress.trustedProxyCidrs].sort()).toEqual(publicCidrs);
  });

  test("a pod's address range (the workload subnets) is not trusted, nor is the VPC as a whole", () => {
    const { vpc, values } = served();
    const trusted = (values.ports.websecure.proxyProtocol.trustedIPs as string[]).map((cidr) => parseCidr(cidr) as Ipv4Cidr);
    for (const subnet of vpc.privateSubnets) {
      const podRange = parseCidr(subnet.ipv4CidrBlock) as Ipv4Cidr;
      expect(trusted.filter((t) => overlaps(t, podRange)).map((t) => t.text)).toEqual([]);
    }
    expect(values.ports.websecure.proxyProtocol.trustedIPs).not.toContain('10.10.0.0/16');
    // A pod's own address, as the NLB never uses it.
    expect(trusted.some((t) => overlaps(t, parseCidr('10.10.0.17/32') as Ipv4Cidr))).toBe(false);
  });

  test('the load balancer is an internet-facing NLB with IP targets and proxy protocol v2: its own subnet addresses reach Traefik', () => {
    const { values } = served();
    expect(values.service.annotations).toMatchObject({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
      'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*',
    });
    // Client IP preservation stays at its default (off for IP targets behind a TLS listener), so sources are NLB addresses.
    expect(Object.keys(values.service.annotations)).not.toContain('service.beta.kubernetes.io/aws-load-balancer-target-group-attributes');
  });

  test('explicit trusted ranges must be CIDRs', () => {
    const s = scaffold();
    expect(() => new IngressController(s.stack, 'Ingress', { cluster: s.cluster, domain: 'id.example.com', trustedProxyCidrs: ['10.10.0.0'] })).toThrow(
      /IngressController: 'trustedProxyCidrs' entry '10.10.0.0' is not an IPv4 CIDR/,
    );
  });
});

describe('certificate and names', () => {
  test("the listener uses the stack's certificate and the Service carries the ExternalDNS annotations", () => {
    const { values, ingress } = served();
    expect(values.service.annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-cert']).toBe(CERTIFICATE_ARN);
    expect(values.service.annotations['external-dns.alpha.kubernetes.io/hostname']).toBe('eu-central-1.prod.id.acme.example.com,id.acme.example.com');
    expect(ingress.hostnames).toEqual(['eu-central-1.prod.id.acme.example.com', 'id.acme.example.com']);
    expect(ingress.certificate?.certificateArn).toBe(CERTIFICATE_ARN);
  });

  test('the controller creates no certificate of its own', () => {
    const { stack } = served();
    Template.fromStack(stack).resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });

  test('synth refuses a controller that was never given a certificate', () => {
    const s = scaffold();
    new IngressController(s.stack, 'Ingress', { cluster: s.cluster, domain: 'id.example.com' });
    expect(() => Template.fromStack(s.stack)).toThrow(/IngressController: no certificate: call serve\(\)/);
  });

  test('a name outside the brand domain, no name, or a second serve is refused', () => {
    const s = scaffold();
    const ingress = new IngressController(s.stack, 'Ingress', { cluster: s.cluster, domain: 'id.example.com' });
    const certificate = acm.Certificate.fromCertificateArn(s.stack, 'Cert', CERTIFICATE_ARN);
    expect(() => ingress.serve({ certificate, hostnames: ['id.example.org'] })).toThrow(/hostname 'id.example.org' is not 'id.example.com' or a name under it/);
    expect(() => ingress.serve({ certificate, hostnames: ['badid.example.com'] })).toThrow(/hostname 'badid.example.com' is not/);
    expect(() => ingress.serve({ certificate, hostnames: [] })).toThrow(/'hostnames' must name at least one name/);
    ingress.serve({ certificate, hostnames: ['id.example.com'] });
    expect(() => ingress.serve({ certificate, hostnames: ['id.example.com'] })).toThrow(/serve\(\) was already called/);
  });

  test('replicas', () => {
    const s = scaffold();
    expect(() => new IngressController(s.stack, 'Ingress', { cluster: s.cluster, domain: 'id.example.com', replicas: 1 })).toThrow(
      /IngressController: 'replicas' must be an integer of at least 2 \(got 1\)/,
    );
  });
});
