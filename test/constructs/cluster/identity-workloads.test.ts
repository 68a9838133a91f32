/**
 * IdentityWorkloads in the brand stack: what the runtime's Pod Identity role may do (its
 * envelope encryption lives in the customer keys' policies; its identity policy holds only the
 * security topic), and the settings the chart gives the runtime from the stack (the trusted
 * proxies, the security topic).
 */
import { expectedSealStatements } from '../../helpers/seal-statements';
import { BrandRegistry } from '../../../lib/config/registry';
import { kubernetesObjects } from '../../../lib/posture';
import { TemplateView } from '../../../lib/posture/template';
import { synthTarget } from '../../helpers/synth';

const ref = (value: any): string | undefined => value?.Ref ?? value?.['Fn::GetAtt']?.[0];

describe.each([
  { brand: 'acme', stage: 'high' as const },
  { brand: 'koala', stage: 'low' as const },
])('BrandStack $brand/$stage identity workloads', (target) => {
  const synthesized = () => synthTarget(target);
  const resources = () => Object.entries<any>(synthesized().json.Resources);
  const runtimeRole = () => {
    const roles = resources().filter(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('IdentityRoletokenservice'));
    expect(roles).toHaveLength(1);
    return roles[0]!;
  };
  /** The bastion alarm's topic: the one with the security contact's e-mail subscription. */
  const securityTopic = () => {
    const contact = BrandRegistry.load().brands.find((b) => b.id === target.brand)!.securityContactEmail;
    const subscriptions = resources().filter(([, r]) => r.Type === 'AWS::SNS::Subscription' && r.Properties.Protocol === 'email' && r.Properties.Endpoint === contact);
    expect(subscriptions).toHaveLength(1);
    const topicId = ref(subscriptions[0]![1].Properties.TopicArn)!;
    return { id: topicId, topic: synthesized().json.Resources[topicId] };
  };
  const platformKeyId = () => {
    const found = resources().find(([, r]) => r.Type === 'AWS::KMS::Alias' && r.Properties.AliasName === `alias/brandstack/${target.brand}/platform`);
    if (!found) throw new Error('no platform key alias');
    return ref(found[1].Properties.TargetKeyId)!;
  };
  const runtimeEnv = () => {
    const deployment = kubernetesObjects(new TemplateView(synthesized().json))
      .map((o) => o.object)
      .find((o) => o.kind === 'Deployment' && o.metadata.name === 'token-service');
    if (!deployment) throw new Error('no Deployment token-service in the applied manifests');
    return Object.fromEntries(deployment.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
  };

  test("the runtime's role may publish to the security topic, use its key only through SNS, seal signing keys with the platform key, and nothing else", () => {
    const [roleId, role] = runtimeRole();
    expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
    expect(role.Properties.Policies ?? []).toEqual([]);
    const statements = resources()
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))
      .flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
    const { id: topicId, topic } = securityTopic();
    const topicKey = ref(topic.Properties.KmsMasterKeyId);
    expect(topicKey).toBeDefined(); // the topic is encrypted, so publishing needs the key
    const platformKey = { 'Fn::GetAtt': [platformKeyId(), 'Arn'] };
    const seal = expectedSealStatements(platformKey);
    const securityEvents = [
      { Effect: 'Allow', Action: 'sns:Publish', Resource: { Ref: topicId } },
      {
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { 'Fn::GetAtt': [topicKey, 'Arn'] },
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', [`sns.${regionOf(synthesized().json)}.`, { Ref: 'AWS::URLSuffix' }]] } } },
      },
    ];
    expect(statements).toEqual([...seal, ...securityEvents]);
    // The topic's key is the platform key, whose policy delegates to IAM (next test).
    expect(topicKey).toBe(platformKeyId());
  });

  test("each customer key lets the runtime's role envelope-encrypt and re-wrap only under that customer's context; BRANDSTACK_CUSTOMERS lists exactly those customers", () => {
    const brand = BrandRegistry.load().brands.find((b) => b.id === target.brand)!;
    const [roleId] = runtimeRole();
    const json = synthesized().json;
    const keyIdOf = (alias: string) => {
      const found = resources().find(([, r]) => r.Type === 'AWS::KMS::Alias' && r.Properties.AliasName === alias);
      if (!found) throw new Error(`no alias ${alias}`);
      return ref(found[1].Properties.TargetKeyId)!;
    };
    for (const customer of brand.customers) {
      const statements = json.Resources[keyIdOf(`alias/brandstack/${brand.id}/${customer}`)].Properties.KeyPolicy.Statement.filter((st: any) => ref(st.Principal?.AWS) === roleId);
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
          Resource: '*',
          Condition: { StringEquals: { 'kms:EncryptionContext:brandstack:customer': customer } },
        },
        { Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [roleId, 'Arn'] } }, Action: 'kms:DescribeKey', Resource: '*' },
      ]);
    }
    const env = runtimeEnv();
    expect(env.BRANDSTACK_BRAND).toBe(brand.id);
    expect(env.BRANDSTACK_CUSTOMERS.split(',')).toEqual(brand.customers);
    expect([env.PII_KEY_PROVIDER, env.SIGNING_KEY_SEAL]).toEqual(['kms', 'kms']);
    // The SDK's region inside the pods is the stack's: the keys are regional.
    expect(env.AWS_REGION).toBe(regionOf(json));
  });

  test('the key policy of the topic key delegates to IAM, so the identity policy is enough for the role to use it', () => {
    const { topic } = securityTopic();
    const key = synthesized().json.Resources[ref(topic.Properties.KmsMasterKeyId)!];
    expect(key.Properties.KeyPolicy.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 'kms:*', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } } }),
    );
  });

  test('the runtime is told the security topic and trusts X-Forwarded-For only from the workload subnets (where the ingress pods are)', () => {
    const env = runtimeEnv();
    expect(env.SECURITY_TOPIC_ARN).toBe(`{{Ref:${securityTopic().id}}}`);
    const workloadCidrs = resources()
      .filter(([id, r]) => r.Type === 'AWS::EC2::Subnet' && id.startsWith('NetworkAppVpcWorkloadSubnet'))
      .map(([, r]) => r.Properties.CidrBlock);
    expect(workloadCidrs).toHaveLength(3);
    expect(env.TRUSTED_PROXY_CIDRS.split(',')).toEqual(workloadCidrs);
  });

  test("the runtime's pods are admitted only from the ingress controller's pods (the trust boundary of TRUSTED_PROXY_CIDRS)", () => {
    const policy = kubernetesObjects(new TemplateView(synthesized().json))
      .map((o) => o.object)
      .find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'token-service-allow-ingress');
    if (!policy) throw new Error('no NetworkPolicy token-service-allow-ingress in the applied manifests');
    expect(policy.spec.ingress.map((rule: any) => rule.from)).toEqual([
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }],
    ]);
  });

  const applied = () => kubernetesObjects(new TemplateView(synthesized().json)).map((o) => o.object);
  const named = (kind: string, name: string) => {
    const found = applied().find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the applied manifests`);
    return found;
  };

  test('the audit writer runs with the stage retention, reaches only the brand RabbitMQ and MongoDB VPCs, and has no AWS identity', () => {
    const brand = BrandRegistry.load().brands.find((b) => b.id === target.brand)!;
    const writer = named('Deployment', 'audit-writer');
    const env = Object.fromEntries(writer.spec.template.spec.containers[0].env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(env.AUDIT_RETENTION_DAYS).toBe(target.stage === 'high' ? '400' : '30');
    expect(writer.spec.template.spec.containers[0].args).toEqual(['dist/runtime/audit-writer.js']);
    expect(named('NetworkPolicy', 'audit-writer-allow-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: brand.network.rabbitCidr } }], ports: [{ protocol: 'TCP', port: 5671 }] },
      { to: [{ ipBlock: { cidr: brand.network.mongoCidr } }], ports: [{ protocol: 'TCP', port: 27017 }] },
    ]);
    const associations = resources().filter(([, r]) => r.Type === 'AWS::EKS::PodIdentityAssociation' && r.Properties.Namespace === 'identity');
    expect(associations.map(([, r]) => r.Properties.ServiceAccount)).toEqual(['token-service']);
    expect(resources().filter(([id]) => id.startsWith('IdentityRoleauditwriter'))).toEqual([]);
  });

  test("AMQP_URL names the broker's AMQPS endpoint from its AmqpEndpoints, on 5671", () => {
    const [brokerId] = resources().find(([, r]) => r.Type === 'AWS::AmazonMQ::Broker')!;
    const chart = resources().find(([id]) => id.startsWith('ClusterIdentityChart'))![1];
    const manifest = JSON.stringify(chart.Properties.Manifest);
    // The host is cut out of the first endpoint (amqps://<host>:5671) at deploy time.
    const select = /\{"Fn::Select":\[0,\{"Fn::Split":\[":",\{"Fn::Select":\[1,\{"Fn::Split":\["amqps:\/\/",\{"Fn::Select":\[0,\{"Fn::GetAtt":\["([^"]+)","AmqpEndpoints"\]\}\]\}\]\}\]\}\]\}\]\}/.exec(manifest);
    expect(select?.[1]).toBe(brokerId);
    expect(manifest).toContain('"AMQP_URL\\":\\"amqps://{{ .brokerUsername | urlquery }}:{{ .brokerPassword | urlquery }}@');
    const at = manifest.indexOf(select![0]);
    expect(manifest.slice(at + select![0].length, at + select![0].length + 10)).toMatch(/^,":5671/);
  });

  test('the broker and DocumentDB security groups admit the pod (workload) subnets on 5671 and 27017', () => {
    const workloadCidrs = resources()
      .filter(([id, r]) => r.Type === 'AWS::EC2::Subnet' && id.startsWith('NetworkAppVpcWorkloadSubnet'))
      .map(([, r]) => r.Properties.CidrBlock);
    const admits = (port: number) =>
      resources()
        .flatMap(([, r]) => (r.Type === 'AWS::EC2::SecurityGroup' ? (r.Properties.SecurityGroupIngress ?? []) : r.Type === 'AWS::EC2::SecurityGroupIngress' ? [r.Properties] : []))
        .filter((rule: any) => rule.FromPort === port && rule.ToPort === port)
        .map((rule: any) => rule.CidrIp);
    for (const port of [5671, 27017]) expect(admits(port)).toEqual(expect.arrayContaining(workloadCidrs));
  });
});

function regionOf(json: any): string {
  const subnet = Object.values<any>(json.Resources).find((r) => r.Type === 'AWS::EC2::Subnet');
  return String(subnet.Properties.AvailabilityZone).slice(0, -1);
}
