/**
 * Stage profiles. Both stages run in three zones (the design promises it for
 * development too); they differ in how much they protect against loss and how
 * much capacity they hold in reserve.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';

export type StageName = 'low' | 'high';
export const STAGE_NAMES: readonly StageName[] = ['low', 'high'];

export interface StageProfile {
  readonly name: StageName;
  /** What happens to stateful resources when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** KMS key deletion waiting period. */
  readonly keyDeletionWindow: Duration;
  /** Whether databases refuse deletion. */
  readonly deletionProtection: boolean;
  /** How long automated database backups and backup-vault recovery points are kept. */
  readonly backupRetention: Duration;
  /** How long logs are kept. */
  readonly logRetentionDays: number;
  /** Fewest replicas of every identity service. */
  readonly minReplicas: number;
  /** Most replicas of every identity service. */
  readonly maxReplicas: number;
}

export const STAGE_PROFILES: Readonly<Record<StageName, StageProfile>> = {
  low: {
    name: 'low',
    removalPolicy: RemovalPolicy.DESTROY,
    keyDeletionWindow: Duration.days(7),
    deletionProtection: false,
    backupRetention: Duration.days(7),
    logRetentionDays: 30,
    minReplicas: 2,
    maxReplicas: 6,
  },
  high: {
    name: 'high',
    removalPolicy: RemovalPolicy.RETAIN,
    keyDeletionWindow: Duration.days(30),
    deletionProtection: true,
    backupRetention: Duration.days(35),
    logRetentionDays: 365,
    minReplicas: 3,
    maxReplicas: 12,
  },
};

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}
