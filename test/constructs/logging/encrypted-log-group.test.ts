import { App, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { withStackCreationSuffix } from '../../../lib/config/naming';
import { EncryptedLogGroup } from '../../../lib/constructs/logging/encrypted-log-group';

function scaffold() {
  const stack = new Stack(new App(), 'Test');
  return { stack, key: new kms.Key(stack, 'Key') };
}

describe('EncryptedLogGroup', () => {
  test('kept by default, except when the deploy that created it rolls back', () => {
    const { stack, key } = scaffold();
    new EncryptedLogGroup(stack, 'Log', { encryptionKey: key, retention: RetentionDays.ONE_MONTH });
    const [group] = Object.values(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'));
    expect(group).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
    expect(group.Properties.LogGroupName).toBeUndefined();
  });

  test('a fixed name on a kept group is refused: the next creation of the stack would collide with it', () => {
    const { stack, key } = scaffold();
    for (const removalPolicy of [undefined, RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE]) {
      expect(() => new EncryptedLogGroup(stack, `Log${removalPolicy}`, { encryptionKey: key, retention: RetentionDays.ONE_MONTH, logGroupName: '/aws/eks/fixed/cluster', removalPolicy })).toThrow(
        /^EncryptedLogGroup: 'logGroupName' '\/aws\/eks\/fixed\/cluster' is fixed but the group is kept/,
      );
    }
  });

  test('a name built from a token, or a fixed name on a group destroyed with its stack, is accepted', () => {
    const { stack, key } = scaffold();
    new EncryptedLogGroup(stack, 'Suffixed', { encryptionKey: key, retention: RetentionDays.ONE_MONTH, logGroupName: `/aws/eks/${withStackCreationSuffix('acme-high')}/cluster` });
    new EncryptedLogGroup(stack, 'Generated', { encryptionKey: key, retention: RetentionDays.ONE_MONTH, logGroupName: `/aws/rds/cluster/${Fn.ref('SomeCluster')}/postgresql` });
    new EncryptedLogGroup(stack, 'Destroyed', { encryptionKey: key, retention: RetentionDays.ONE_MONTH, logGroupName: '/fixed', removalPolicy: RemovalPolicy.DESTROY });
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::Logs::LogGroup'))).toHaveLength(3);
  });

  test('an infinite or invalid retention is refused', () => {
    const { stack, key } = scaffold();
    expect(() => new EncryptedLogGroup(stack, 'Log', { encryptionKey: key, retention: RetentionDays.INFINITE })).toThrow(/EncryptedLogGroup: 'retention' must be one of/);
  });
});
