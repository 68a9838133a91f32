import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RABBITMQ_AWS_OWNED_KEY_REASON, RabbitBroker, type RabbitBrokerProps } from '../../../lib/constructs/data/rabbit-broker';
import { ENCRYPTION_EXCEPTION_METADATA } from '../../../lib/posture';
import { dataFixture, keptWithFixedNames, keyRef, suffixed } from './fixture';

function build(props: Partial<RabbitBrokerProps> = {}) {
  const f = dataFixture();
  const broker = new RabbitBroker(f.stack, 'Broker', {
    vpc: f.dataVpc,
    securityGroups: [f.group('RabbitGroup', f.dataVpc)],
    brokerNamePrefix: 'acme-high',
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

  test('the broker name, which Amazon MQ requires, ends with the stack-creation suffix: a new stack gets a new name', () => {
    template.hasResourceProperties('AWS::AmazonMQ::Broker', { BrokerName: suffixed('acme-high-') });
  });

  test('broker and admin secret are kept, except when their create rolls back; neither has a fixed name', () => {
    for (const type of ['AWS::AmazonMQ::Broker', 'AWS::SecretsManager::Secret']) {
      expect(Object.values(template.findResources(type))[0]).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    }
    expect(keptWithFixedNames(template.toJSON().Resources)).toEqual([]);
    const destroyed = build({ removalPolicy: RemovalPolicy.DESTROY }).template;
    for (const type of ['AWS::AmazonMQ::Broker', 'AWS::SecretsManager::Secret']) expect(Object.values(destroyed.findResources(type))[0]).toMatchObject({ DeletionPolicy: 'Delete' });
  });

  test('a single instance uses one subnet, and only when asked', () => {
    const single = build({ deployment: 'SINGLE_INSTANCE', instanceType: 'mq.t3.micro' }).template;
    single.hasResourceProperties('AWS::AmazonMQ::Broker', { DeploymentMode: 'SINGLE_INSTANCE', SubnetIds: [Match.anyValue()] });
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ brokerNamePrefix: 'has space' })).toThrow("RabbitBroker: 'brokerNamePrefix' 'has space' must be 1-41 letters, digits, '-' and '_'");
    // 41 + '-' + the 8-character suffix = the 50 characters Amazon MQ allows.
    expect(() => build({ brokerNamePrefix: 'a'.repeat(41) })).not.toThrow();
    expect(() => build({ brokerNamePrefix: 'a'.repeat(42) })).toThrow("RabbitBroker: 'brokerNamePrefix'");
    expect(() => build({ securityGroups: [] })).toThrow("'securityGroups' must list at least one");
    expect(() => build({ instanceType: 'mq.t3.micro' })).toThrow("'instanceType' mq.t3.micro cannot run a CLUSTER_MULTI_AZ broker");
  });
});
