import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { KEY_MATERIAL } from '../../../lib/charts/contract';
import { validateManifests } from '../../../lib/charts/manifest-validation';
import { BrandCluster } from '../../../lib/constructs/cluster/brand-cluster';
import { EncryptedNodePool } from '../../../lib/constructs/cluster/encrypted-node-pool';
import { IdentityWorkloads } from '../../../lib/constructs/cluster/identity-workloads';
import { IngressController } from '../../../lib/constructs/cluster/ingress-controller';
import { RuntimeSecrets } from '../../../lib/constructs/cluster/runtime-secrets';
import { SecretsOperator } from '../../../lib/constructs/cluster/secrets-operator';
import { ServiceMesh } from '../../../lib/constructs/cluster/service-mesh';
import { buildPosture, HELM_RESOURCE_TYPE, kubernetesObjects, MANIFEST_RESOURCE_TYPE } from '../../../lib/posture';
import { TemplateView } from '../../../lib/posture/template';
import { synthTarget } from '../../helpers/synth';

describe.each([
  { brand: 'acme', stage: 'high' as const },
  { brand: 'koala', stage: 'low' as const },
])('BrandStack $brand/$stage cluster', (target) => {
  const synthesized = () => synthTarget(target);
  const platformKey = () => {
    const [[id]] = Object.entries<any>(synthesized().json.Resources).filter(([, r]) => r.Type === 'AWS::KMS::Alias' && r.Properties.AliasName.endsWith('/platform')).map(([, r]) => [r.Properties.TargetKeyId['Fn::GetAtt'][0]]);
    return id as string;
  };

  test('the cluster is private, encrypted with the platform key, logs everything, and uses access entries only', () => {
    synthesized().template.hasResourceProperties('AWS::EKS::Cluster', {
      Version: '1.34',
      ResourcesVpcConfig: { EndpointPrivateAccess: true, EndpointPublicAccess: false },
      EncryptionConfig: [{ Provider: { KeyArn: { 'Fn::GetAtt': [platformKey(), 'Arn'] } }, Resources: ['secrets'] }],
      Logging: { ClusterLogging: { EnabledTypes: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'].map((Type) => ({ Type })) } },
      AccessConfig: { AuthenticationMode: 'API', BootstrapClusterCreatorAdminPermissions: false },
      ComputeConfig: { Enabled: true, NodePools: [] },
    });
    expect(kubernetesObjects(new TemplateView(synthesized().json)).filter((o) => o.object.metadata?.name === 'aws-auth')).toEqual([]);
    // Cluster admins are the brand file's operator roles (brand-cluster-access.test.ts), not a role of the stack.
    synthesized().template.hasResourceProperties('AWS::EKS::AccessEntry', {
      AccessPolicies: [{ AccessScope: { Type: 'cluster' }, PolicyArn: { 'Fn::Join': ['', Match.arrayWith([':eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy'])] } }],
      PrincipalArn: Match.stringLikeRegexp(`^arn:aws:iam::\\d{12}:role/${target.brand}-operators$`),
    });
  });

  test('control-plane ENIs, nodes and the kubectl handler are in the workload subnets', () => {
    const json = synthesized().json;
    const cluster = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::EKS::Cluster');
    const subnets = cluster.Properties.ResourcesVpcConfig.SubnetIds.map((s: any) => s.Ref);
    expect(subnets).toHaveLength(3);
    for (const subnet of subnets) expect(subnet).toMatch(/^NetworkAppVpcWorkloadSubnet/);
    const handler = Object.entries<any>(json.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('ClusterKubectlProviderHandler'))![1];
    expect(handler.Properties.VpcConfig.SubnetIds.map((s: any) => s.Ref).sort()).toEqual([...subnets].sort());
  });

  test('compute: one node pool in three zones, volumes encrypted with the platform key; no launch template to harden', () => {
    const objects = kubernetesObjects(new TemplateView(synthesized().json)).map((o) => o.object);
    const nodeClass = objects.find((o) => o.kind === 'NodeClass')!;
    expect(nodeClass.spec.ephemeralStorage.kmsKeyID).toBe(`{{GetAtt:${platformKey()}}}`);
    const pool = objects.find((o) => o.kind === 'NodePool')!;
    const zones = pool.spec.template.spec.requirements.find((r: any) => r.key === 'topology.kubernetes.io/zone').values;
    expect(zones).toHaveLength(3);
    synthesized().template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
    synthesized().template.resourceCountIs('AWS::EKS::Nodegroup', 0);
  });

  test('every Kubernetes object the template applies validates against its schema', () => {
    const objects = kubernetesObjects(new TemplateView(synthesized().json)).map((o) => o.object);
    expect(objects.length).toBeGreaterThan(15);
    expect(validateManifests(objects)).toEqual([]);
  });

  test('add-ons are pinned: Helm charts by version, metrics-server as an EKS add-on', () => {
    const charts = Object.values<any>(synthesized().json.Resources).filter((r) => r.Type === HELM_RESOURCE_TYPE);
    expect(charts.map((c) => c.Properties.Release).sort()).toEqual(['external-dns', 'external-secrets', 'istio-base', 'istio-cni', 'istiod', 'traefik', 'ztunnel']);
    for (const chart of charts) expect(chart.Properties.Version).toMatch(/^\d+\.\d+\.\d+$/);
    synthesized().template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'metrics-server' });
  });

  test("the ingress certificate is for the stack's own hostname, DNS-validated through the brand's zone, and used by the TLS listener", () => {
    // The stack's environment is its stage (a direct deploy); its zone is the brand file's '*' zone.
    const [hostname, zone] =
      target.brand === 'acme' ? ['eu-central-1.high.id.acme.example.com', 'Z0ACMEEXAMPLE00000000'] : ['ap-southeast-2.low.id.koala.example.net', 'Z0KOALAEXAMPLE0000000'];
    synthesized().template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      ValidationMethod: 'DNS',
      DomainName: hostname,
      DomainValidationOptions: [{ DomainName: hostname, HostedZoneId: zone }],
    });
    const ingress = synthesized().posture.cluster!.ingress;
    expect(ingress[0]).toMatch(/internet-facing eks.amazonaws.com\/nlb, TLS on port 443 with ACM certificate for \S+ \(DNS validation\), policy ELBSecurityPolicy-TLS13-1-2-2021-06, proxy protocol v2/);
  });

  test('the service role may use only the customer keys, by key policy; its one IAM policy seals signing keys and publishes security events (identity-workloads.test.ts)', () => {
    const { json, template } = synthesized();
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'identity', ServiceAccount: 'token-service' });
    const roleId = Object.keys(json.Resources).find((id) => id.startsWith('IdentityRoletokenservice'))!;
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: ['sts:AssumeRole', 'sts:TagSession'],
            Principal: { Service: 'pods.eks.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' }, ArnEquals: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ],
      },
    });
    const keysNamingRole = Object.entries<any>(json.Resources)
      .filter(([, r]) => r.Type === 'AWS::KMS::Key' && JSON.stringify(r.Properties.KeyPolicy).includes(`"${roleId}"`))
      .map(([id]) => id);
    expect(keysNamingRole.length).toBeGreaterThan(0);
    for (const id of keysNamingRole) expect(id).toMatch(/^KeysCustomer/);
    const policies = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`));
    const actions = policies.flatMap((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
    expect(actions).toEqual(['kms:GenerateDataKey', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey', 'sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt']);
    // The key actions of that policy reach the platform key only, never a customer key; they use it
    // only through SNS, or directly under one of the seal's contexts (exactly its keys).
    const keyStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('kms:')));
    expect(keyStatements).toHaveLength(4);
    for (const statement of keyStatements) {
      expect(statement.Resource).toEqual({ 'Fn::GetAtt': [platformKey(), 'Arn'] });
      if (statement.Action === 'kms:DescribeKey') continue;
      const viaSns = statement.Condition.StringEquals !== undefined && Object.keys(statement.Condition).length === 1 && Object.keys(statement.Condition.StringEquals).join() === 'kms:ViaService';
      const sealOnly = ['brandstack:tenant,brandstack:kid,brandstack:purpose', 'brandstack:tenant,brandstack:purpose'].includes(statement.Condition['ForAllValues:StringEquals']?.['kms:EncryptionContextKeys']?.join());
      expect([statement.Condition, viaSns || sealOnly]).toEqual([statement.Condition, true]);
    }
  });

  test('the identity chart is applied after the mesh, the ingress controller, the nodes and the Pod Identity association', () => {
    const [, chart] = Object.entries<any>(synthesized().json.Resources).find(([id]) => id.startsWith('ClusterIdentityChart'))!;
    const dependsOn: string[] = chart.DependsOn;
    for (const prefix of ['ClusterchartZtunnel', 'ClusterchartTraefik', 'ClustermanifestNodePool', 'IdentityPodIdentitytokenservice', 'ClusterchartExternalSecrets', 'ClusterSecretsControllerRoleDefaultPolicy']) {
      expect(dependsOn.some((id) => id.startsWith(prefix))).toBe(true);
    }
  });

  test('the runtime secrets are generated by Secrets Manager under the platform key: key material as 43 base64 characters', () => {
    const { json } = synthesized();
    const secrets = Object.entries<any>(json.Resources).filter(([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.startsWith('RuntimeSecrets'));
    expect(secrets.map(([id]) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['RuntimeSecretsClientSecretPepper', 'RuntimeSecretsKeyEncryptionKey', 'RuntimeSecretsPlatformAdminClientSecret']);
    for (const [id, secret] of secrets) {
      expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [platformKey(), 'Arn'] });
      expect(secret.Properties.SecretString).toBeUndefined();
      if (id.startsWith('RuntimeSecretsPlatformAdminClientSecret')) {
        expect(secret.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false });
      } else {
        expect(secret.Properties.GenerateSecretString).toEqual({
          PasswordLength: KEY_MATERIAL.characters,
          ExcludeCharacters: KEY_MATERIAL.excludeCharacters,
          IncludeSpace: false,
          RequireEachIncludedType: false,
        });
      }
    }
  });

  test('the secrets operator runs as its own Pod Identity role that reads exactly the runtime secrets', () => {
    const { json, template } = synthesized();
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'external-secrets', ServiceAccount: 'external-secrets' });
    const roleId = Object.keys(json.Resources).find((id) => id.startsWith('ClusterSecretsControllerRole') && json.Resources[id].Type === 'AWS::IAM::Role')!;
    const policies = Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`));
    expect(policies).toHaveLength(1);
    const ids = (prefix: string) => Object.keys(json.Resources).filter((id) => id.startsWith(prefix));
    const [attachment] = ids('DatabaseClusterSecretAttachment');
    const generated = ['RuntimeSecretsPlatformAdminClientSecret', 'RuntimeSecretsKeyEncryptionKey', 'RuntimeSecretsClientSecretPepper'].map((p) => ids(p).find((id) => json.Resources[id].Type === 'AWS::SecretsManager::Secret')!);
    // The broker's admin secret and DocumentDB's attached master secret: AMQP_URL and AUDIT_MONGO_URL are composed from them.
    const [broker] = ids('BrokerAdminSecret').filter((id) => json.Resources[id].Type === 'AWS::SecretsManager::Secret');
    const [documentDb] = ids('MongoClusterSecretAttachment');
    const [smoke] = ids('SmokeClientSecret').filter((id) => json.Resources[id].Type === 'AWS::SecretsManager::Secret');
    expect([broker, documentDb, smoke].every((id) => id !== undefined)).toBe(true);
    expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: [attachment, ...generated, broker, documentDb, smoke].map((Ref) => ({ Ref })) },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [platformKey(), 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${target.brand === 'acme' ? 'eu-central-1' : 'ap-southeast-2'}.amazonaws.com` } },
      },
    ]);
  });

  test('every secret variable of every workload is produced by the ExternalSecret from platform-key secrets', () => {
    const { posture } = synthesized();
    const secrets = posture.cluster!.workloads['identity/token-service'].secrets;
    // The runtime settings, and the smoke client's tenant, id and secret (lib/constructs/cluster/smoke-client.ts).
    expect(secrets.map((line) => line.split(' ')[0])).toEqual([
      'PLATFORM_ADMIN_CLIENT_SECRET',
      'KEY_ENCRYPTION_KEY',
      'CLIENT_SECRET_PEPPER',
      'SMOKE_TENANT',
      'SMOKE_CLIENT_ID',
      'SMOKE_CLIENT_SECRET',
      'DATABASE_URL',
      'AMQP_URL',
      'AUDIT_MONGO_URL',
    ]);
    // The audit writer reads the broker and the trail, nothing else.
    expect(posture.cluster!.workloads['identity/audit-writer'].secrets.map((line) => line.split(' ')[0])).toEqual(['AMQP_URL', 'AUDIT_MONGO_URL']);
    for (const line of [...secrets, ...posture.cluster!.workloads['identity/audit-writer'].secrets]) {
      expect(line).not.toMatch(/NOT PRODUCED/);
      expect(line).toMatch(/← (composed from )?Secrets Manager \S+ \(alias\/brandstack\/\w+\/platform\)/);
      expect(line).toMatch(/via External Secrets \(ExternalSecret identity\/identity-runtime, SecretStore aws-secrets-manager/);
    }
    expect(secrets.find((l) => l.startsWith('DATABASE_URL'))).toMatch(/Secrets Manager BrandStackDatabaseClusterSecret \(alias\/brandstack\/\w+\/platform\) \[username, password, host, port\]/);
    // The rotated master password reaches running pods: a kubelet-refreshed file, re-read per connection, refreshed by the operator every minute.
    expect(secrets.find((l) => l.startsWith('DATABASE_URL'))).toMatch(
      /^DATABASE_URL ← mounted file \/run\/secrets\/identity-runtime\/DATABASE_URL \(read-only, mode 0400, refreshed by the kubelet; DATABASE_URL_FILE, re-read per new connection\) ← Secret identity-runtime\/DATABASE_URL ← .* refreshed every 1m\)$/,
    );
    expect(posture.cluster!.secretStores).toEqual([expect.stringMatching(/^SecretStore identity\/aws-secrets-manager: AWS SecretsManager \S+, as the operator's Pod Identity role ClusterSecretsControllerRole \(secretsmanager:GetSecretValue on /)]);
  });

  test('the posture shows a secret variable that no ExternalSecret produces', () => {
    const json = structuredClone(synthesized().json);
    const chart = Object.entries<any>(json.Resources).find(([id, r]) => r.Type === MANIFEST_RESOURCE_TYPE && id.startsWith('ClusterIdentityChart'))![1];
    // The manifest is an Fn::Join of text and tokens: drop the ExternalSecret's key from its template.
    chart.Properties.Manifest['Fn::Join'][1] = chart.Properties.Manifest['Fn::Join'][1].map((part: unknown) =>
      typeof part === 'string' ? part.replace('"PLATFORM_ADMIN_CLIENT_SECRET":"{{ .platformAdminClientSecret }}",', '') : part,
    );
    const posture = buildPosture({ stackName: 'BrandStack', region: 'eu-central-1', template: new TemplateView(json) }).cluster!;
    expect(posture.workloads['identity/token-service'].secrets.find((l) => l.startsWith('PLATFORM_ADMIN_CLIENT_SECRET'))).toBe(
      'PLATFORM_ADMIN_CLIENT_SECRET ← Secret identity-runtime/PLATFORM_ADMIN_CLIENT_SECRET: NOT PRODUCED (ExternalSecret identity/identity-runtime writes no PLATFORM_ADMIN_CLIENT_SECRET)',
    );
  });

  test('the posture shows a secret file mounted with subPath, which the kubelet never refreshes', () => {
    const json = structuredClone(synthesized().json);
    const chart = Object.entries<any>(json.Resources).find(([id, r]) => r.Type === MANIFEST_RESOURCE_TYPE && id.startsWith('ClusterIdentityChart'))![1];
    chart.Properties.Manifest['Fn::Join'][1] = chart.Properties.Manifest['Fn::Join'][1].map((part: unknown) =>
      typeof part === 'string'
        ? part.replace('"mountPath":"/run/secrets/identity-runtime"', '"mountPath":"/run/secrets/identity-runtime/DATABASE_URL","subPath":"DATABASE_URL"')
        : part,
    );
    expect(JSON.stringify(chart.Properties.Manifest)).toContain('subPath');
    const posture = buildPosture({ stackName: 'BrandStack', region: 'eu-central-1', template: new TemplateView(json) }).cluster!;
    expect(posture.workloads['identity/token-service'].secrets.find((l) => l.startsWith('DATABASE_URL'))).toMatch(
      /^DATABASE_URL ← mounted file \/run\/secrets\/identity-runtime\/DATABASE_URL \(read-only, mode 0400, subPath mount: NOT REFRESHED by the kubelet;/,
    );
  });

  test('the runtime image is a container asset built at deploy time from runtime/Dockerfile', () => {
    const assets = JSON.parse(require('fs').readFileSync(require('path').join(synthesized().outdir, 'BrandStack.assets.json'), 'utf8'));
    const images = Object.values<any>(assets.dockerImages ?? {});
    expect(images.map((i) => i.source.dockerFile)).toEqual(['runtime/Dockerfile']);
    expect(images[0].source.platform).toBe('linux/amd64');
  });
});

describe('bad input names the prop', () => {
  function runtimeSecrets(s: { stack: Stack; key: kms.Key }, extra: { platformAdminSecretLength?: number } = {}): RuntimeSecrets {
    return new RuntimeSecrets(s.stack, 'RuntimeSecrets', {
      encryptionKey: s.key,
      databaseSecret: new secretsmanager.Secret(s.stack, 'Db'),
      brokerSecret: new secretsmanager.Secret(s.stack, 'Broker'),
      auditStoreSecret: new secretsmanager.Secret(s.stack, 'DocumentDb'),
      ...extra,
    });
  }
  function scaffold(zones = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c']) {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      availabilityZones: zones,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'Workload', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
    });
    return { stack, vpc, key: new kms.Key(stack, 'Key') };
  }
  const props = (s: ReturnType<typeof scaffold>) => ({
    clusterNamePrefix: 'test-high',
    adminRoleArns: ['arn:aws:iam::111111111111:role/operators'],
    vpc: s.vpc,
    subnets: s.vpc.selectSubnets({ subnetGroupName: 'Workload' }),
    key: s.key,
    ingressDomain: 'id.example.com',
    logRetention: logs.RetentionDays.ONE_MONTH,
  });

  test('clusterNamePrefix: characters, and room for the stack-creation suffix within the 100 EKS allows', () => {
    const s = scaffold();
    expect(() => new BrandCluster(s.stack, 'Cluster', { ...props(s), clusterNamePrefix: 'bad name!' })).toThrow(/BrandCluster: 'clusterNamePrefix' must be 1-91 letters/);
    expect(() => new BrandCluster(s.stack, 'Cluster2', { ...props(s), clusterNamePrefix: 'a'.repeat(92) })).toThrow(/BrandCluster: 'clusterNamePrefix' must be 1-91 letters/);
    expect(() => new BrandCluster(s.stack, 'Cluster3', { ...props(s), clusterNamePrefix: 'a'.repeat(91) })).not.toThrow();
  });

  test('adminRoleArns: at least one, roles only', () => {
    const s = scaffold();
    expect(() => new BrandCluster(s.stack, 'Cluster', { ...props(s), adminRoleArns: [] })).toThrow("BrandCluster: 'adminRoleArns' must list at least one IAM role ARN");
    expect(() => new BrandCluster(s.stack, 'Cluster2', { ...props(s), adminRoleArns: ['arn:aws:iam::111111111111:root'] })).toThrow(
      "BrandCluster: 'adminRoleArns' entry 'arn:aws:iam::111111111111:root' is not an IAM role ARN",
    );
  });

  test('subnets in fewer than three zones', () => {
    const s = scaffold(['eu-central-1a', 'eu-central-1b']);
    expect(() => new BrandCluster(s.stack, 'Cluster', props(s))).toThrow(/BrandCluster: 'subnets' must span three availability zones \(got eu-central-1a, eu-central-1b\)/);
  });

  test.each([
    [{ cpuLimit: 2 }, /EncryptedNodePool: 'cpuLimit' must be an integer of at least 4 \(got 2\)/],
    [{ volumeSizeGiB: 10 }, /EncryptedNodePool: 'volumeSizeGiB' must be an integer of at least 20 \(got 10\)/],
  ])('node pool %j', (overrides, message) => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    expect(() => new EncryptedNodePool(s.stack, 'Pool2', { cluster: cluster.cluster, subnets: props(s).subnets.subnets, volumeKey: s.key, ...overrides })).toThrow(message);
  });

  test('node pool subnets in fewer than three zones', () => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    expect(() => new EncryptedNodePool(s.stack, 'Pool2', { cluster: cluster.cluster, subnets: props(s).subnets.subnets.slice(0, 2), volumeKey: s.key })).toThrow(
      /EncryptedNodePool: 'subnets' must span three zones \(got eu-central-1a, eu-central-1b\)/,
    );
  });

  test('ingress replicas', () => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    expect(() => new IngressController(s.stack, 'Ingress2', { cluster: cluster.cluster, domain: 'id.example.com', vpcCidr: '10.0.0.0/16', replicas: 1 })).toThrow(
      /IngressController: 'replicas' must be an integer of at least 2 \(got 1\)/,
    );
  });

  test('unknown service role', () => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    const workloads = new IdentityWorkloads(s.stack, 'Identity', {
      cluster,
      runtimeSecrets: runtimeSecrets(s),
      brokerEndpoint: 'b-1.mq.eu-central-1.amazonaws.com:5671',
      auditRetentionDays: 30,
      keys: { brandId: 'acme', customers: ['globex'], grantCustomerEnvelopeEncryption: () => undefined, grantSigningKeySeal: () => undefined },
      domain: 'id.example.com',
      minReplicas: 2,
      maxReplicas: 4,
      dataStores: { postgresCidrs: ['10.0.0.0/24'], mongoCidr: '10.1.0.0/20', rabbitCidr: '10.2.0.0/20' },
      podSubnetCidrs: ['10.0.64.0/18'],
      securityTopic: new sns.Topic(s.stack, 'SecurityTopic'),
    });
    expect(workloads.roleOf('token-service')).toBeDefined();
    expect(() => workloads.roleOf('billing')).toThrow(/IdentityWorkloads: no service 'billing' with an AWS role; services with one: token-service/);
    // The audit writer calls no AWS API: it has no role.
    expect(() => workloads.roleOf('audit-writer')).toThrow(/no service 'audit-writer' with an AWS role/);
  });

  test('platform admin client secret shorter than the runtime accepts', () => {
    const s = scaffold();
    expect(() => runtimeSecrets(s, { platformAdminSecretLength: 31 })).toThrow(
      /RuntimeSecrets: 'platformAdminSecretLength' must be an integer from 32 \(the runtime's minimum\) to 4096 \(got 31\)/,
    );
  });

  test('secrets operator replicas', () => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    expect(() => new SecretsOperator(s.stack, 'Secrets2', { cluster: cluster.cluster, replicas: 0 })).toThrow(/SecretsOperator: 'replicas' must be a positive integer \(got 0\)/);
  });

  test('mesh version', () => {
    const s = scaffold();
    const cluster = new BrandCluster(s.stack, 'Cluster', props(s));
    expect(() => new ServiceMesh(s.stack, 'Mesh2', { cluster: cluster.cluster, version: '1.30' })).toThrow(/ServiceMesh: 'version' must be an exact Istio release/);
  });
});
