import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as amazonmq from 'aws-cdk-lib/aws-amazonmq';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Stack } from 'aws-cdk-lib';
import { findingsOf, testStack } from './findings';

function broker(stack: Stack, id: string, engineType: string, encryptionOptions?: amazonmq.CfnBroker.EncryptionOptionsProperty): amazonmq.CfnBroker {
  return new amazonmq.CfnBroker(stack, id, {
    brokerName: id,
    engineType,
    engineVersion: engineType === 'RABBITMQ' ? '3.13' : '5.18',
    hostInstanceType: 'mq.m5.large',
    deploymentMode: 'SINGLE_INSTANCE',
    publiclyAccessible: false,
    autoMinorVersionUpgrade: true,
    users: [{ username: 'admin', password: 'not-a-real-password' }],
    encryptionOptions,
  });
}

describe('RabbitMQBrokerWithoutEncryptionOptions', () => {
  const rule = 'RabbitMQBrokerWithoutEncryptionOptions';

  test('a RabbitMQ broker with EncryptionOptions fails, even with the AWS-owned key', () => {
    const stack = testStack();
    broker(stack, 'Rabbit', 'RABBITMQ', { useAwsOwnedKey: true });
    expect(findingsOf(stack, rule)).toEqual([' Test/Rabbit']);
  });

  test('a RabbitMQ broker without EncryptionOptions passes; ActiveMQ may set them', () => {
    const stack = testStack();
    broker(stack, 'Rabbit', 'RABBITMQ');
    broker(stack, 'Active', 'ACTIVEMQ', { useAwsOwnedKey: false, kmsKeyId: 'alias/mine' });
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('an override that adds EncryptionOptions is seen (the rendered template is checked)', () => {
    const stack = testStack();
    broker(stack, 'Rabbit', 'RabbitMQ').addPropertyOverride('EncryptionOptions', { UseAwsOwnedKey: true });
    expect(findingsOf(stack, rule)).toEqual([' Test/Rabbit']);
  });
});

describe('CertificateValidatesWithoutManualStep', () => {
  const rule = 'CertificateValidatesWithoutManualStep';

  test('a DNS-validated certificate without a hosted zone fails: CloudFormation would wait for validation', () => {
    const stack = testStack();
    new acm.Certificate(stack, 'Cert', { domainName: 'id.example.com', validation: acm.CertificateValidation.fromDns() });
    expect(findingsOf(stack, rule)).toEqual(['[NoHostedZone::id.example.com] Test/Cert/Resource']);
  });

  test('validated through a hosted zone for every name (a wildcard rides on its bare name) passes', () => {
    const stack = testStack();
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    new acm.Certificate(stack, 'Cert', {
      domainName: 'id.example.com',
      subjectAlternativeNames: ['*.id.example.com', 'eu-central-1.prod.id.example.com'],
      validation: acm.CertificateValidation.fromDns(zone),
    });
    new acm.Certificate(stack, 'Imported', { domainName: 'api.example.org', validation: acm.CertificateValidation.fromDns(route53.HostedZone.fromHostedZoneId(stack, 'Other', 'Z0123456789ABCDEFGHIJ')) });
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('a name without its zone, a zone that does not hold the name, and email validation each fail', () => {
    const stack = testStack();
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'example.com' });
    new acm.Certificate(stack, 'Partial', {
      domainName: 'id.example.com',
      subjectAlternativeNames: ['id.example.net'],
      validation: acm.CertificateValidation.fromDnsMultiZone({ 'id.example.com': zone }),
    });
    new acm.Certificate(stack, 'WrongZone', { domainName: 'id.example.org', validation: acm.CertificateValidation.fromDns(zone) });
    new acm.Certificate(stack, 'Email', { domainName: 'id.example.com', validation: acm.CertificateValidation.fromEmail() });
    expect(findingsOf(stack, rule)).toEqual([
      '[EmailValidation] Test/Email/Resource',
      '[NoHostedZone::id.example.net] Test/Partial/Resource',
      '[OutsideHostedZone::id.example.org] Test/WrongZone/Resource',
    ]);
  });

  test('a private certificate (issued by its CA) is not checked', () => {
    const stack = testStack();
    new acm.CfnCertificate(stack, 'Private', { domainName: 'internal.example.com', certificateAuthorityArn: 'arn:aws:acm-pca:eu-central-1:111111111111:certificate-authority/x' });
    expect(findingsOf(stack, rule)).toEqual([]);
  });
});
