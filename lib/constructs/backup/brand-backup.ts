import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { STACK_CREATION_SUFFIX_LENGTH, withStackCreationSuffix } from '../../config/naming';

/** Backup vault names: 2-50 letters, digits, '-' and '_' (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_CreateBackupVault.html). */
const VAULT_NAME_MAX_LENGTH = 50;
/** Backup plan names: 1-50 letters, digits, '-', '_' and '.' (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupPlanInput.html). */
const PLAN_NAME_MAX_LENGTH = 50;
/** The longest plan-name suffix this construct appends. */
const PLAN_SUFFIXES = { continuous: '-continuous', daily: '-daily' } as const;

export interface BrandBackupProps {
  /**
   * Start of the vault's name, which is `<namePrefix>-<stack-creation suffix>`
   * (lib/config/naming.ts), and of the plans' names (`<namePrefix>-continuous`,
   * `<namePrefix>-daily`). AWS Backup requires a vault name, unique in the
   * account and region, and the vault outlives its stack: the suffix gives the
   * next creation of the stack (after a deletion or a rolled-back first deploy)
   * a new vault instead of a name collision. 1-39 letters, digits, '-' and '_',
   * so that the vault name stays within 50 characters (with the 9-character
   * suffix) and so does each plan name.
   */
  readonly namePrefix: string;
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
 * What is backed up is named by ARN: the database clusters. There is no EBS
 * selection. The stack's only EBS volumes are the EKS Auto Mode nodes' (a
 * read-only root volume and an ephemeral data volume for images and emptyDir,
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html), on
 * nodes EKS replaces within their 21-day maximum lifetime
 * (https://docs.aws.amazon.com/eks/latest/userguide/automode.html),
 * and the stateless bastion's root volume, whose logs are in CloudWatch Logs.
 * (Selecting volumes by the brand's tags selected nothing: nothing propagated
 * those tags to the nodes' volumes.)
 * None holds state worth restoring; the workloads mount no persistent volume.
 *
 * The vault is always retained (DeletionPolicy `Retain`), even when the deploy
 * that created it rolls back: recovery points must outlive the stack, and AWS
 * Backup deletes only an empty vault
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_DeleteBackupVault.html),
 * so `RetainExceptOnCreate` would turn a rollback after the first continuous
 * backup into ROLLBACK_FAILED. Its name carries the stack-creation suffix, so a
 * retry creates a new vault; an empty vault left by a failed first deploy
 * costs nothing and can be deleted by hand.
 */
export class BrandBackup extends Construct {
  readonly vault: backup.BackupVault;
  /** `<namePrefix>-<stack-creation suffix>`: a token until deploy time. */
  readonly vaultName: string;
  /** The role AWS Backup assumes to take and restore backups. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: BrandBackupProps) {
    super(scope, id);
    const days = props.retention.toDays();
    const minimum = props.minimumRetention ?? Duration.days(7);
    const maxPrefix = Math.min(VAULT_NAME_MAX_LENGTH - STACK_CREATION_SUFFIX_LENGTH - 1, PLAN_NAME_MAX_LENGTH - PLAN_SUFFIXES.continuous.length);
    if (!new RegExp(`^[a-zA-Z0-9_-]{1,${maxPrefix}}$`).test(props.namePrefix)) {
      throw new Error(
        `BrandBackup: 'namePrefix' '${props.namePrefix}' must be 1-${maxPrefix} letters, digits, '-' and '_' (the vault name adds the ${STACK_CREATION_SUFFIX_LENGTH + 1}-character stack-creation suffix, a plan name '${PLAN_SUFFIXES.continuous}'; AWS Backup allows ${VAULT_NAME_MAX_LENGTH})`,
      );
    }
    this.vaultName = withStackCreationSuffix(props.namePrefix);
    if (days < 1) throw new Error(`BrandBackup: 'retention' must be at least 1 day (got ${days})`);
    if (props.continuousResources?.length && days > 35) {
      throw new Error(`BrandBackup: 'retention' must be at most 35 days when 'continuousResources' is set (got ${days}); continuous backups keep at most 35 days`);
    }
    if (minimum.toDays() < 1 || minimum.toDays() > days) {
      throw new Error(`BrandBackup: 'minimumRetention' must be 1 day to 'retention' (${days} days); got ${minimum.toDays()}`);
    }

    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: this.vaultName,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
      blockRecoveryPointDeletion: true,
      lockConfiguration: { minRetention: minimum },
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup: back up and restore into the vault of ${props.namePrefix}`,
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForRestores'),
      ],
    });
    // The vault key encrypts recovery points AWS Backup manages itself; the role
    // needs it (and grants for the service) on this one key, nothing wider.
    new iam.ManagedPolicy(this, 'VaultKeyUse', {
      description: `AWS Backup: use the key of the vault of ${props.namePrefix}`,
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
        backupPlanName: `${props.namePrefix}${PLAN_SUFFIXES.continuous}`,
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

    if (props.snapshotResources?.length) {
      const plan = new backup.BackupPlan(this, 'SnapshotPlan', {
        backupPlanName: `${props.namePrefix}${PLAN_SUFFIXES.daily}`,
        backupVault: this.vault,
        backupPlanRules: [new backup.BackupPlanRule({ ruleName: 'Daily', deleteAfter: props.retention, scheduleExpression: daily })],
      });
      plan.addSelection('Resources', {
        role: this.role,
        resources: props.snapshotResources.map((arn) => backup.BackupResource.fromArn(arn)),
      });
    }
  }
}
