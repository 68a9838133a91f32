/**
 * End to end: a problem planted in the synthesized template of a real brand
 * stack reaches the facts, and the rule that guards against it names the
 * resource. (rules.test.ts plants problems in the facts; this checks that the
 * facts read them from the template.)
 */
import { checkPosture, postureFacts, TemplateView, type Violation } from '../../lib/posture';
import { MANIFEST_RESOURCE_TYPE } from '../../lib/posture/facts/cluster';
import { synthTarget } from '../helpers/synth';

type Json = Record<string, any>; // the template JSON, as a test edits it

const TARGET = { brand: 'acme', stage: 'high' } as const;

function violationsOf(edit: (resources: Json) => void): Violation[] {
  const { artifact, json } = synthTarget(TARGET);
  const template = structuredClone(json) as { Resources: Json };
  edit(template.Resources);
  return checkPosture(postureFacts({ stackName: artifact.stackName, region: artifact.environment.region, template: new TemplateView(template) }));
}

const resourceOf = (resources: Json, prefix: string, type?: string): Json => {
  const found = Object.entries(resources).filter(([id, r]) => id.startsWith(prefix) && (type === undefined || r.Type === type));
  if (found.length !== 1) throw new Error(`expected one resource ${prefix}, found ${found.length}`);
  return found[0][1];
};

/** Rewrites the text parts of the identity chart's manifest (an Fn::Join of text and references). */
function editManifest(resources: Json, edit: (text: string) => string): void {
  const chart = resourceOf(resources, 'ClusterIdentityChart', MANIFEST_RESOURCE_TYPE);
  const parts: unknown[] = chart.Properties.Manifest['Fn::Join'][1];
  const edited = parts.map((part) => (typeof part === 'string' ? edit(part) : part));
  if (JSON.stringify(edited) === JSON.stringify(parts)) throw new Error('the edit changed nothing');
  chart.Properties.Manifest['Fn::Join'][1] = edited;
}

const found = (violations: Violation[], rule: string) => violations.filter((v) => v.rule === rule).map(({ resource, reason }) => ({ resource, reason }));

test('the unedited template is compliant', () => {
  expect(violationsOf(() => undefined)).toEqual([]);
});

test('a security group rule from 0.0.0.0/0', () => {
  const violations = violationsOf((r) => {
    resourceOf(r, 'NetworkDatabaseSecurityGroup', 'AWS::EC2::SecurityGroup').Properties.SecurityGroupIngress.push({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' });
  });
  expect(found(violations, 'network/no-world-open-ingress')).toEqual([{ resource: 'NetworkDatabaseSecurityGroup', reason: 'admits tcp port 5432 from 0.0.0.0/0' }]);
});

test('a key without rotation, and a customer key the account root may use', () => {
  const violations = violationsOf((r) => {
    resourceOf(r, 'KeysPlatformKey', 'AWS::KMS::Key').Properties.EnableKeyRotation = false;
    resourceOf(r, 'KeysCustomerglobex', 'AWS::KMS::Key').Properties.KeyPolicy.Statement[0].Action.push('kms:Decrypt');
  });
  expect(found(violations, 'keys/key-rotation-enabled')).toEqual([{ resource: 'alias/brandstack/acme/platform', reason: 'automatic key rotation is off' }]);
  expect(found(violations, 'keys/customer-keys-not-usable-by-account-root')).toEqual([{ resource: 'alias/brandstack/acme/globex', reason: 'the account root may use the key: kms:Decrypt' }]);
});

test('a customer key whose account root may create grants for itself', () => {
  const violations = violationsOf((r) => {
    const grants = resourceOf(r, 'KeysCustomerglobex', 'AWS::KMS::Key').Properties.KeyPolicy.Statement.find((s: Json) => s.Action === 'kms:CreateGrant');
    delete grants.Condition;
  });
  expect(found(violations, 'keys/customer-keys-not-usable-by-account-root')).toEqual([
    { resource: 'alias/brandstack/acme/globex', reason: 'the account root may create a grant for itself: kms:CreateGrant without kms:GrantIsForAWSResource=true' },
  ]);
});

test('Aurora without rds.force_ssl', () => {
  const violations = violationsOf((r) => {
    resourceOf(r, '', 'AWS::RDS::DBClusterParameterGroup').Properties.Parameters['rds.force_ssl'] = '0';
  });
  expect(found(violations, 'encryption/data-services-enforce-tls')).toEqual([{ resource: 'AWS::RDS::DBCluster DatabaseCluster', reason: 'rds.force_ssl is not 1: clients may connect without TLS' }]);
});

test('a log group without a key', () => {
  const violations = violationsOf((r) => {
    delete resourceOf(r, 'BastionAuthLog', 'AWS::Logs::LogGroup').Properties.KmsKeyId;
  });
  expect(found(violations, 'encryption/stateful-resources-encrypted-with-brand-key')).toEqual([{ resource: 'AWS::Logs::LogGroup BastionAuthLog', reason: 'an AWS-owned key without a stated reason' }]);
});

test('a public EKS endpoint', () => {
  const violations = violationsOf((r) => {
    resourceOf(r, 'Cluster', 'AWS::EKS::Cluster').Properties.ResourcesVpcConfig.EndpointPublicAccess = true;
  });
  expect(found(violations, 'cluster/private-api-endpoint')).toEqual([{ resource: 'acme-high-<stack id>', reason: 'the API endpoint is public from 0.0.0.0/0' }]);
});

test('the API security group open to an address range', () => {
  const violations = violationsOf((r) => {
    const group = resourceOf(r, 'ClusterApiSecurityGroup', 'AWS::EC2::SecurityGroup');
    group.Properties.SecurityGroupIngress = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '10.10.0.0/16' }];
  });
  expect(found(violations, 'cluster/api-reachable-only-from-security-groups')).toEqual([
    { resource: 'ClusterApiSecurityGroup', reason: 'admits the API endpoint from the address range 10.10.0.0/16, not from a security group' },
  ]);
});

test("an operator's access entry without its account condition, and a cluster admin role the account may assume", () => {
  const violations = violationsOf((r) => {
    const [entry] = Object.values<Json>(r).filter((e) => e.Type === 'AWS::EKS::AccessEntry' && e.Properties.PrincipalArn === 'arn:aws:iam::333333333333:role/acme-operators');
    delete entry.Condition;
    r.ClusterClusterAdminE6D4A2B1 = {
      Type: 'AWS::IAM::Role',
      Properties: { AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::111111111111:root' } }] } },
    };
    r.ClusterClusterAdminAccess0A1B2C3D = {
      Type: 'AWS::EKS::AccessEntry',
      Properties: {
        ClusterName: { Ref: Object.keys(r).find((id) => r[id].Type === 'AWS::EKS::Cluster') },
        PrincipalArn: { 'Fn::GetAtt': ['ClusterClusterAdminE6D4A2B1', 'Arn'] },
        AccessPolicies: [{ AccessScope: { Type: 'cluster' }, PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy' }],
      },
    };
  });
  expect(found(violations, 'cluster/cluster-admins-are-operator-roles')).toEqual([
    { resource: 'ClusterClusterAdmin', reason: 'is cluster admin and may be assumed by arn:aws:iam::111111111111:root' },
    { resource: 'arn:aws:iam::333333333333:role/acme-operators', reason: 'is admitted in every account the template is deployed to, not only in 333333333333' },
  ]);
});

test('a secret file mounted with subPath, which the kubelet never refreshes', () => {
  const violations = violationsOf((r) =>
    editManifest(r, (text) => text.replace('"mountPath":"/run/secrets/identity-runtime"', '"mountPath":"/run/secrets/identity-runtime/DATABASE_URL","subPath":"DATABASE_URL"')),
  );
  expect(found(violations, 'secrets/secret-files-read-only-and-refreshed')).toEqual([
    { resource: 'identity/token-service DATABASE_URL', reason: '/run/secrets/identity-runtime/DATABASE_URL is a subPath mount, which the kubelet never refreshes' },
  ]);
});

test('a secret variable no ExternalSecret produces', () => {
  const violations = violationsOf((r) => editManifest(r, (text) => text.replace('"PLATFORM_ADMIN_CLIENT_SECRET":"{{ .platformAdminClientSecret }}",', '')));
  expect(found(violations, 'secrets/settings-from-brand-encrypted-secrets')).toEqual([
    { resource: 'identity/token-service PLATFORM_ADMIN_CLIENT_SECRET', reason: 'ExternalSecret identity/identity-runtime writes no PLATFORM_ADMIN_CLIENT_SECRET' },
  ]);
});

test('a writable root filesystem and PERMISSIVE mTLS', () => {
  const violations = violationsOf((r) =>
    editManifest(r, (text) => text.replace('"readOnlyRootFilesystem":true', '"readOnlyRootFilesystem":false').replace('"mtls":{"mode":"STRICT"}', '"mtls":{"mode":"PERMISSIVE"}')),
  );
  // The edit reaches both Deployments of the chart (the runtime and the audit writer); the namespace's mode, both workloads.
  expect(found(violations, 'workloads/containers-hardened')).toEqual([
    { resource: 'identity/token-service container runtime', reason: 'root filesystem is writable' },
    { resource: 'identity/audit-writer container runtime', reason: 'root filesystem is writable' },
  ]);
  expect(found(violations, 'workloads/strict-mtls')).toEqual([
    { resource: 'identity/token-service', reason: 'mTLS PERMISSIVE, not STRICT' },
    { resource: 'identity/audit-writer', reason: 'mTLS PERMISSIVE, not STRICT' },
  ]);
});

/** Rewrites the text parts of a Helm release's values (a string, or an Fn::Join of text and references). */
function editHelmValues(resources: Json, prefix: string, edit: (text: string) => string): void {
  const chart = resourceOf(resources, prefix);
  const values = chart.Properties.Values;
  const edited = typeof values === 'string' ? edit(values) : { 'Fn::Join': [values['Fn::Join'][0], values['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? edit(p) : p))] };
  if (JSON.stringify(edited) === JSON.stringify(values)) throw new Error('the edit changed nothing');
  chart.Properties.Values = edited;
}

test('Traefik trusting PROXY headers from the whole application VPC, pods included', () => {
  const violations = violationsOf((r) => editHelmValues(r, 'ClusterchartTraefik', (text) => text.replace(/"trustedIPs":\[[^\]]*\]/, '"trustedIPs":["10.10.0.0/16"]')));
  const reasons = found(violations, 'ingress/proxy-protocol-trusted-only-from-load-balancer-subnets').map((v) => `${v.resource}: ${v.reason}`);
  expect(reasons).toEqual(
    expect.arrayContaining([
      'traefik entrypoint websecure: trusts 10.10.0.0/16, which is not a load balancer subnet',
      'traefik entrypoint websecure: trusts 10.10.0.0/16, which overlaps pod subnet 10.10.0.0/18: a pod could forge the client address',
    ]),
  );
});

test('a DNS-validated certificate without its hosted zone', () => {
  const violations = violationsOf((r) => {
    const cert = resourceOf(r, 'DnsCertificate', 'AWS::CertificateManager::Certificate');
    for (const option of cert.Properties.DomainValidationOptions) delete option.HostedZoneId;
  });
  expect(found(violations, 'ingress/load-balancer-terminates-tls')).toEqual([
    { resource: 'traefik', reason: 'no hosted zone validates eu-central-1.high.id.acme.example.com: its validation record would have to be added by hand' },
  ]);
});
