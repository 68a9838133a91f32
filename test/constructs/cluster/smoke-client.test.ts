/**
 * SmokeClient: the smoke-test client's credentials, generated in Secrets Manager under the
 * platform key, and (with a reader account) a role only that account may assume, allowed to
 * read that one secret. Bad props name the prop.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SmokeClient, smokeReaderRoleName, type SmokeClientProps } from '../../../lib/constructs/cluster/smoke-client';

function build(props: Partial<SmokeClientProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '222222222222', region: 'eu-central-1' } });
  const key = new kms.Key(stack, 'Key');
  const smoke = new SmokeClient(stack, 'Smoke', { encryptionKey: key, tenant: 'acme-retail', ...props });
  return { stack, smoke, template: Template.fromStack(stack) };
}

test('the secret is generated at deployment under the given key, with tenant and client id beside the generated secret', () => {
  const { template } = build();
  const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret')) as any[];
  expect(secrets).toHaveLength(1);
  expect(secrets[0].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
  expect(secrets[0].Properties.GenerateSecretString).toEqual({
    SecretStringTemplate: JSON.stringify({ tenant: 'acme-retail', client_id: 'smoke' }),
    GenerateStringKey: 'client_secret',
    PasswordLength: 64,
    ExcludePunctuation: true,
    IncludeSpace: false,
  });
  // No fixed name: a secret deleted with a failed stack keeps its name for 7-30 days.
  expect(JSON.stringify(template.findResources('AWS::SecretsManager::Secret'))).not.toContain('"Name"');
  expect(Object.values(template.findOutputs('*')).map((o: any) => o.Value)).toEqual([{ Ref: expect.stringMatching(/^SmokeSecret/) }]);
});

test('a direct deploy (no reader account) has no role: nothing outside the account reads the secret', () => {
  const { template, smoke } = build();
  expect(smoke.readerRole).toBeUndefined();
  template.resourceCountIs('AWS::IAM::Role', 0);
  template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
});

test('with a reader account: a named role trusted by that account alone, allowed GetSecretValue on the secret and Decrypt via Secrets Manager only', () => {
  const { template } = build({ readerAccount: '111111111111', readerRoleName: 'smoke-acme-low-eu-central-1' });
  template.resourceCountIs('AWS::IAM::Role', 1);
  template.hasResourceProperties('AWS::IAM::Role', {
    RoleName: 'smoke-acme-low-eu-central-1',
    Path: '/brandstack/',
    AssumeRolePolicyDocument: {
      Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } } }],
    },
  });
  const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as any[];
  expect(policies).toHaveLength(1);
  expect(policies[0].Properties.PolicyDocument.Statement).toEqual([
    { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^SmokeSecret/) } },
    {
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
    },
  ]);
  template.resourceCountIs('AWS::IAM::Policy', 0);
});

test('the reader role name fits IAM\'s 64 characters for the longest brand id and region code', () => {
  const name = smokeReaderRoleName({ brand: { id: 'a'.repeat(32) }, stage: { name: 'high' }, region: { code: 'ap-southeast-4' } });
  expect(name).toHaveLength(58);
  expect(smokeReaderRoleName({ brand: { id: 'acme' }, stage: { name: 'low' }, region: { code: 'eu-central-1' } })).toBe('smoke-acme-low-eu-central-1');
});

test.each<[Partial<SmokeClientProps>, string]>([
  [{ tenant: 'Acme Retail' }, "SmokeClient: 'tenant' must match"],
  [{ clientId: 'smoke client' }, "SmokeClient: 'clientId' must match"],
  [{ readerAccount: '1111', readerRoleName: 'r' }, "SmokeClient: 'readerAccount' must be a 12-digit AWS account id (got '1111')"],
  [{ readerAccount: '111111111111' }, "SmokeClient: 'readerAccount' and 'readerRoleName' go together: give both or neither"],
  [{ readerAccount: '111111111111', readerRoleName: 'x'.repeat(65) }, "SmokeClient: 'readerRoleName' must be 1-64 characters"],
])('refuses %j naming the prop', (props, message) => {
  expect(() => build(props)).toThrow(message);
});
