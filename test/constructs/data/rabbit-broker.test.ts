import { Match, Template } from 'aws-cdk-lib/assertions';
import { RABBITMQ_AWS_OWNED_KEY_REASON, RabbitBroker, type RabbitBrokerProps } from '../../../lib/constructs/data/rabbit-broker';
import { ENCRYPTION_EXCEPTION_METADATA } from '../../../lib/posture';
import { dataFixture, keyRef } from './fixture';

function build(props: Partial<RabbitBrokerProps> = {}) {
  const f = dataFixture();
  const broker = new RabbitBroker(f.stack, 'Broker', {
    vpc: f.dataVpc,
    securityGroups: [f.group('RabbitGroup', f.dataVpc)],
    brokerName: 'brandstack-acme-high',
    secretEncryptionKey: f.key,
    ...props,
  });
  return { ...f, broker, template: Template.fromStack(f.stack) };
}

describe('RabbitBroker', () => {
  const built = build();
  const { template } = built;

  test('private RabbitMQ 3.13 cluster across three subnets, automatic minor upgrades, general logs', () => {
    template.hasResourceProperties('AWS::AmazonMQ::Broker', {
      EngineType: 'RABBITMQ',
      EngineVersion: '3.13',
      AutoMinorVersionUpgrade: true,
      DeploymentMode: 'CLUSTER_MULTI_AZ',
      PubliclyAccessible: false,
      Logs: { General: true },
      SecurityGroups: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^RabbitGroup'), 'GroupId'] }],
    });
    const broker = Object.values(template.findResources('AWS::AmazonMQ::Broker'))[0] as any;
    expect(broker.Properties.SubnetIds).toHaveLength(3);
    broker.Properties.SubnetIds.forEach((s: any) => expect(s.Ref).toMatch(/^DataVpcDataSubnet/));
  });

  test('the admin password comes from a key-encrypted secret by dynamic reference, never as a literal', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      KmsKeyId: keyRef(built.stack, built.key),
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password', ExcludeCharacters: Match.stringLikeRegexp(',:=') }),
    });
    const broker = Object.values(template.findResources('AWS::AmazonMQ::Broker'))[0] as any;
    expect(JSON.stringify(broker.Properties.Users[0].Password)).toContain('{{resolve:secretsmanager:');
  });

  test('AWS-owned key at rest, with the reason stated in the template for the posture model; no EncryptionOptions, which Amazon MQ refuses for RabbitMQ', () => {
    const broker = Object.values(template.findResources('AWS::AmazonMQ::Broker'))[0] as any;
    expect(broker.Properties.EngineType).toBe('RABBITMQ');
    expect(broker.Properties).not.toHaveProperty('EncryptionOptions');
    expect(broker.Metadata[ENCRYPTION_EXCEPTION_METADATA]).toBe(RABBITMQ_AWS_OWNED_KEY_REASON);
    expect(RABBITMQ_AWS_OWNED_KEY_REASON).toMatch(/only AWS-owned KMS keys.*self-managed RabbitMQ/);
  });

  test('a single instance uses one subnet, and only when asked', () => {
    const single = build({ deployment: 'SINGLE_INSTANCE', instanceType: 'mq.t3.micro' }).template;
    single.hasResourceProperties('AWS::AmazonMQ::Broker', { DeploymentMode: 'SINGLE_INSTANCE', SubnetIds: [Match.anyValue()] });
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ brokerName: 'has space' })).toThrow("RabbitBroker: 'brokerName' 'has space' must be");
    expect(() => build({ securityGroups: [] })).toThrow("'securityGroups' must list at least one");
    expect(() => build({ instanceType: 'mq.t3.micro' })).toThrow("'instanceType' mq.t3.micro cannot run a CLUSTER_MULTI_AZ broker");
  });
});
