import type { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { findingsOf, testStack } from './findings';

const rule = 'CustomerKeyRootCannotGrantItselfUse';
const ROOT_JOIN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] };
const ADMINISTRATION = ['kms:DescribeKey', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion', 'kms:TagResource'];

/** A key with exactly these statements, aliased `alias/brandstack/acme/<name>`. */
function key(stack: Stack, name: string, statements: Record<string, unknown>[]): void {
  const cfnKey = new kms.CfnKey(stack, `Key-${name}`, { keyPolicy: { Version: '2012-10-17', Statement: statements } });
  new kms.CfnAlias(stack, `Alias-${name}`, { aliasName: `alias/brandstack/acme/${name}`, targetKeyId: cfnKey.attrArn });
}

describe('CustomerKeyRootCannotGrantItselfUse', () => {
  test('the console default (root kms:*) and the administrators statement (kms:Create* without a condition) fail', () => {
    const stack = testStack();
    key(stack, 'globex', [{ Sid: 'EnableIam', Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:*', Resource: '*' }]);
    key(stack, 'initech', [{ Sid: 'Admins', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: ['kms:Create*', 'kms:Describe*', 'kms:Put*'], Resource: '*' }]);
    expect(findingsOf(stack, rule)).toEqual([
      '[RootMayCreateGrant::Admins] Test/Key-initech',
      '[RootMayCreateGrant::EnableIam] Test/Key-globex',
      '[RootMayUse::EnableIam] Test/Key-globex',
    ]);
  });

  test('root use in any spelling of the root fails: a bare account id, Fn::Sub, another account, everyone', () => {
    const stack = testStack();
    key(stack, 'a', [{ Effect: 'Allow', Principal: { AWS: '111111111111' }, Action: 'kms:Decrypt', Resource: '*' }]);
    key(stack, 'b', [{ Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root' } }, Action: 'kms:GenerateDataKey*', Resource: '*' }]);
    key(stack, 'c', [{ Sid: 'Other', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::222222222222:root'] }, NotAction: ['kms:ScheduleKeyDeletion'], Resource: '*' }]);
    key(stack, 'd', [{ Sid: 'Everyone', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '111111111111' } } }]);
    expect(findingsOf(stack, rule)).toEqual([
      '[RootMayCreateGrant::Other] Test/Key-c',
      '[RootMayUse::Everyone] Test/Key-d',
      '[RootMayUse::Other] Test/Key-c',
      '[RootMayUse::Statement0] Test/Key-a',
      '[RootMayUse::Statement0] Test/Key-b',
    ]);
  });

  test('root administration without use, CreateGrant only for AWS resources, and use by a named role pass', () => {
    const stack = testStack();
    key(stack, 'globex', [
      { Sid: 'KeyAdministration', Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: ADMINISTRATION, Resource: '*' },
      { Sid: 'Grants', Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/token-service' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*' },
    ]);
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('a condition that does not limit grants to AWS resources does not count', () => {
    const stack = testStack();
    key(stack, 'globex', [
      { Sid: 'ViaSecrets', Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:CreateGrant', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } } },
      { Sid: 'NotForAws', Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:CreateGrant', Resource: '*', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } } },
    ]);
    expect(findingsOf(stack, rule)).toEqual(['[RootMayCreateGrant::NotForAws] Test/Key-globex', '[RootMayCreateGrant::ViaSecrets] Test/Key-globex']);
  });

  test('the platform key and keys without a brand alias are not customer keys', () => {
    const stack = testStack();
    key(stack, 'platform', [{ Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:*', Resource: '*' }]);
    new kms.CfnKey(stack, 'Unaliased', { keyPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT_JOIN }, Action: 'kms:*', Resource: '*' }] } });
    expect(findingsOf(stack, rule)).toEqual([]);
  });
});
