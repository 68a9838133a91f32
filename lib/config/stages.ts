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
  /** Aurora reader instances beside the writer, each in another zone (writer + 2 = three zones). */
  readonly databaseReaders: number;
  /** DocumentDB instances, one per zone. */
  readonly documentDbInstances: number;
  /** Amazon MQ for RabbitMQ deployment: three nodes across three zones, or one node. */
  readonly brokerDeployment: 'CLUSTER_MULTI_AZ' | 'SINGLE_INSTANCE';
  /** Fewest replicas of every identity service. */
  readonly minReplicas: number;
  /** Most replicas of every identity service. */
  readonly maxReplicas: number;
  /**
   * Whether a pod that would unbalance the zones stays pending (DoNotSchedule)
   * rather than being placed anyway (ScheduleAnyway).
   */
  readonly strictZoneSpread: boolean;
}

export const STAGE_PROFILES: Readonly<Record<StageName, StageProfile>> = {
  low: {
    name: 'low',
    removalPolicy: RemovalPolicy.DESTROY,
    keyDeletionWindow: Duration.days(7),
    deletionProtection: false,
    backupRetention: Duration.days(7),
    logRetentionDays: 30,
    // Development accepts a zone outage of its data tier: storage stays replicated
    // across three zones (Aurora, DocumentDB), compute is a single node.
    databaseReaders: 0,
    documentDbInstances: 1,
    brokerDeployment: 'SINGLE_INSTANCE',
    minReplicas: 2,
    maxReplicas: 6,
    // Development prefers balance but still runs when a zone lacks capacity.
    strictZoneSpread: false,
  },
  high: {
    name: 'high',
    removalPolicy: RemovalPolicy.RETAIN,
    keyDeletionWindow: Duration.days(30),
    deletionProtection: true,
    backupRetention: Duration.days(35),
    logRetentionDays: 365,
    databaseReaders: 2,
    documentDbInstances: 3,
    brokerDeployment: 'CLUSTER_MULTI_AZ',
    minReplicas: 3,
    maxReplicas: 12,
    strictZoneSpread: true,
  },
};

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}
