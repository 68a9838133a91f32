import { postureRule } from '../rule';

/**
 * Every database cluster is in an AWS Backup plan besides its own automated
 * backups: recovery points in a locked vault survive the deletion of the cluster
 * (and of its automated backups) by mistake or by an attacker.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/whatisbackup.html
 */
export const DatabaseClustersInBackupPlan = postureRule('backups/database-clusters-in-backup-plan', 'Every database cluster is in an AWS Backup plan.', (facts) =>
  facts.encryption.backups
    .filter((b) => b.backup.kind === 'database-cluster' && b.backup.plans.length === 0)
    .map((b) => ({ resource: `${b.type} ${b.name}`, reason: 'in no AWS Backup plan' })),
);
