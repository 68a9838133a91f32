import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BrandBackup, type BrandBackupProps } from '../../../lib/constructs/backup/brand-backup';

const AURORA = 'arn:aws:rds:eu-central-1:111111111111:cluster:brandstack-acme-high';
const DOCDB = 'arn:aws:rds:eu-central-1:111111111111:cluster:brandstack-acme-high-mongo';

function build(props: Partial<BrandBackupProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
  const key = new kms.Key(stack, 'Key');
  new BrandBackup(stack, 'Backup', {
    vaultName: 'brandstack-acme-high',
    encryptionKey: key,
    retention: Duration.days(35),
    continuousResources: [AURORA],
    snapshotResources: [DOCDB],
    volumeTags: { 'brandstack:brand': 'acme', 'brandstack:stage': 'high' },
    ...props,
  });
  return { stack, key, template: Template.fromStack(stack) };
}

describe('BrandBackup', () => {
  const { template, stack, key } = build();

  test('the vault is encrypted with the key, locked, refuses manual deletion of recovery points and outlives the stack', () => {
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BackupVaultName: 'brandstack-acme-high',
        EncryptionKeyArn: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] },
        LockConfiguration: { MinRetentionDays: 7 },
        AccessPolicy: Match.objectLike({
          Statement: [Match.objectLike({ Effect: 'Deny', Action: Match.arrayWith(['backup:DeleteRecoveryPoint']) })],
        }),
      }),
    });
  });

  test('continuous (point-in-time) backups for the continuous resources, daily snapshots for the rest, kept for the retention', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanName: 'brandstack-acme-high-continuous', BackupPlanRule: [Match.objectLike({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanName: 'brandstack-acme-high-daily', BackupPlanRule: [Match.objectLike({ EnableContinuousBackup: Match.absent(), Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: Match.objectLike({ Resources: [AURORA] }) });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: Match.objectLike({ Resources: [DOCDB] }) });
  });

  test("EBS volumes are selected only when they carry all of the brand's tags", () => {
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({
        Resources: [Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([':ec2:eu-central-1:111111111111:volume/*']) ]) })],
        Conditions: {
          StringEquals: [
            { ConditionKey: 'aws:ResourceTag/brandstack:brand', ConditionValue: 'acme' },
            { ConditionKey: 'aws:ResourceTag/brandstack:stage', ConditionValue: 'high' },
          ],
        },
      }),
    });
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ vaultName: 'x' })).toThrow("BrandBackup: 'vaultName' 'x' must be");
    expect(() => build({ retention: Duration.days(90) })).toThrow("'retention' must be at most 35 days when 'continuousResources' is set");
    expect(() => build({ retention: Duration.days(3) })).toThrow("'minimumRetention' must be 1 day to 'retention' (3 days)");
  });
});
