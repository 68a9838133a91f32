import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { BrandBackup, type BrandBackupProps } from '../../../lib/constructs/backup/brand-backup';

const AURORA = 'arn:aws:rds:eu-central-1:111111111111:cluster:brandstack-acme-high';
const DOCDB = 'arn:aws:rds:eu-central-1:111111111111:cluster:brandstack-acme-high-mongo';

/** `acme-high-<first group of the stack id's UUID>`: a new name for each creation of the stack. */
const STACK_CREATION_NAME = {
  'Fn::Join': ['', ['acme-high-', { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] }]],
};

function build(props: Partial<BrandBackupProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
  const key = new kms.Key(stack, 'Key');
  new BrandBackup(stack, 'Backup', {
    namePrefix: 'acme-high',
    encryptionKey: key,
    retention: Duration.days(35),
    continuousResources: [AURORA],
    snapshotResources: [DOCDB],
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
        BackupVaultName: STACK_CREATION_NAME,
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
      BackupPlan: { BackupPlanName: 'acme-high-continuous', BackupPlanRule: [Match.objectLike({ EnableContinuousBackup: true, Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanName: 'acme-high-daily', BackupPlanRule: [Match.objectLike({ EnableContinuousBackup: Match.absent(), Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: Match.objectLike({ Resources: [AURORA] }) });
    template.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: Match.objectLike({ Resources: [DOCDB] }) });
  });

  test('the plans select the database clusters by ARN and nothing else: no EBS volume selection', () => {
    const selections = Object.values(template.findResources('AWS::Backup::BackupSelection')) as any[];
    expect(selections.map((s) => s.Properties.BackupSelection.Resources)).toEqual([[AURORA], [DOCDB]]);
    expect(selections.every((s) => s.Properties.BackupSelection.Conditions === undefined && s.Properties.BackupSelection.ListOfTags === undefined)).toBe(true);
    expect(JSON.stringify(template.toJSON())).not.toContain(':volume/');
  });

  test('the vault outlives the stack even when the deploy that created it rolls back; its name is new for each creation of the stack', () => {
    const [vault] = Object.values(template.findResources('AWS::Backup::BackupVault')) as any[];
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.UpdateReplacePolicy).toBe('Retain');
    expect(vault.Properties.BackupVaultName).toEqual(STACK_CREATION_NAME);
  });

  test('bad props are refused with the prop named', () => {
    expect(() => build({ namePrefix: '' })).toThrow("BrandBackup: 'namePrefix' '' must be 1-39 letters, digits, '-' and '_'");
    expect(() => build({ namePrefix: 'a'.repeat(40) })).toThrow("must be 1-39 letters, digits, '-' and '_' (the vault name adds the 9-character stack-creation suffix");
    expect(() => build({ namePrefix: 'acme high' })).toThrow("BrandBackup: 'namePrefix' 'acme high'");
    expect(() => build({ namePrefix: 'a'.repeat(39) })).not.toThrow();
    expect(() => build({ retention: Duration.days(90) })).toThrow("'retention' must be at most 35 days when 'continuousResources' is set");
    expect(() => build({ retention: Duration.days(3) })).toThrow("'minimumRetention' must be 1 day to 'retention' (3 days)");
  });
});
