import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface BrandBackupProps {
  /** Vault name (2-50 letters, digits, '-' and '_'); unique per account and region. */
  readonly vaultName: string;
  /** Encrypts every recovery point in the vault. */
  readonly encryptionKey: kms.IKey;
  /**
   * How long recovery points are kept. Continuous (point-in-time) backups
   * allow at most 35 days.
   */
  readonly retention: Duration;
  /**
   * ARNs backed up continuously (point-in-time restore); only services AWS
   * Backup supports continuous backup for: Aurora, RDS, S3, SAP HANA.
   * @default - none
   */
  readonly continuousResources?: string[];
  /**
   * ARNs backed up by a daily snapshot (DocumentDB clusters, for example,
   * which have no continuous backup in AWS Backup).
   * @default - none
   */
  readonly snapshotResources?: string[];
  /**
   * EBS volumes carrying all of these tags get a daily snapshot. Empty for none.
   * @default - no EBS selection
   */
  readonly volumeTags?: Record<string, string>;
  /**
   * Days a recovery point is locked against deletion, even by an administrator
   * (vault lock, governance mode). At most `retention`.
   * @default Duration.days(7)
   */
  readonly minimumRetention?: Duration;
}

/**
 * The brand's AWS Backup vault and plans: a CMK-encrypted vault whose recovery
 * points cannot be deleted by hand (access policy) nor expire early (vault
 * lock), a continuous plan for services with point-in-time restore, and a
 * daily snapshot plan for the rest.
 *
 * The vault is always retained: recovery points must outlive the stack, and
 * AWS Backup refuses to delete a vault that holds any.
 */
export class BrandBackup extends Construct {
  readonly vault: backup.BackupVault;
  /** The role AWS Backup assumes to take and restore backups. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BrandBackupProps) {
    super(scope, id);
    const days = props.retention.toDays();
    const minimum = props.minimumRetention ?? Duration.days(7);
    if (!/^[a-zA-Z0-9_-]{2,50}$/.test(props.vaultName)) {
      throw new Error(`BrandBackup: 'vaultName' '${props.vaultName}' must be 2-50 letters, digits, '-' and '_'`);
    }
    if (days < 1) throw new Error(`BrandBackup: 'retention' must be at least 1 day (got ${days})`);
    if (props.continuousResources?.length && days > 35) {
      throw new Error(`BrandBackup: 'retention' must be at most 35 days when 'continuousResources' is set (got ${days}); continuous backups keep at most 35 days`);
    }
    if (minimum.toDays() < 1 || minimum.toDays() > days) {
      throw new Error(`BrandBackup: 'minimumRetention' must be 1 day to 'retention' (${days} days); got ${minimum.toDays()}`);
    }

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      lockConfiguration: { minRetention: minimum },
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup: back up and restore into ${props.vaultName}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    // The vault key encrypts recovery points AWS Backup manages itself; the role
    // needs it (and grants for the service) on this one key, nothing wider.
    new iam.ManagedPolicy(this, 'VaultKeyUse', {
      description: `AWS Backup: use the key of ${props.vaultName}`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:DescribeKey'],
          resources: [props.encryptionKey.keyArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:CreateGrant'],
          resources: [props.encryptionKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
      ],
    });

    const daily = events.Schedule.cron({ minute: '0', hour: '2' });
    if (props.continuousResources?.length) {
      const plan = new backup.BackupPlan(this, 'ContinuousPlan', {
        backupPlanName: `${props.vaultName}-continuous`,
        backupVault: this.vault,
        backupPlanRules: [
          new backup.BackupPlanRule({
            ruleName: 'PointInTime',
            enableContinuousBackup: true,
            deleteAfter: props.retention,
            scheduleExpression: daily,
          }),
        ],
      });
      plan.addSelection('Resources', {
        role: this.role,
        resources: props.continuousResources.map((arn) => backup.BackupResource.fromArn(arn)),
      });
    }

    const volumeTags = Object.entries(props.volumeTags ?? {});
    if (props.snapshotResources?.length || volumeTags.length) {
      const plan = new backup.BackupPlan(this, 'SnapshotPlan', {
        backupPlanName: `${props.vaultName}-daily`,
        backupVault: this.vault,
        backupPlanRules: [new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: props.retention, scheduleExpression: daily })],
      });
      if (props.snapshotResources?.length) {
        plan.addSelection('Resources', {
          role: this.role,
          resources: props.snapshotResources.map((arn) => backup.BackupResource.fromArn(arn)),
        });
      }
      if (volumeTags.length) {
        // Conditions are ANDed (ListOfTags would OR them and pick up other brands' or stages' volumes).
        const stack = Stack.of(this);
        new backup.CfnBackupSelection(this, 'Volumes', {
          backupPlanId: plan.backupPlanId,
          backupSelection: {
            selectionName: 'Volumes',
            iamRoleArn: this.role.roleArn,
            resources: [stack.formatArn({ service: 'ec2', resource: 'volume', resourceName: '*' })],
            conditions: {
              StringEquals: volumeTags.map(([key, value]) => ({ ConditionKey: `aws:ResourceTag/${key}`, ConditionValue: value })),
            },
          },
        });
      }
    }
  }
}
