/**
 * Stage profiles. Both stages run in three zones (the design promises it for
 * development too); they differ in how much they protect against loss and how
 * much capacity they hold in reserve.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type StageName = 'low' | 'high';
export const STAGE_NAMES: readonly StageName[] = ['low', 'high'];

export interface StageProfile {
  readonly name: StageName;
  /**
   * What deleting the stack does to what it holds: DESTROY in low, keep in high
   * (except when the deploy that created it rolls back).
   * Read it through {@link removalPolicyFor}, which maps it per kind of resource.
   */
  readonly keepsState: boolean;
  /** KMS key deletion waiting period. */
  readonly keyDeletionWindow: Duration;
  /** Whether databases refuse deletion. */
  readonly deletionProtection: boolean;
  /** How long automated database backups and backup-vault recovery points are kept. */
  readonly backupRetention: Duration;
  /** How long logs are kept: one of CloudWatch Logs' retention periods. */
  readonly logRetention: RetentionDays;
  /** Aurora reader instances beside the writer, each in another zone (writer + 2 = three zones). */
  readonly databaseReaders: number;
  /** DocumentDB instances, one per zone. */
  readonly documentDbInstances: number;
  /** Amazon MQ for RabbitMQ deployment: three nodes across three zones, or one node. */
  readonly brokerDeployment: 'CLUSTER_MULTI_AZ' | 'SINGLE_INSTANCE';
  /**
   * How many days the audit trail (DocumentDB `audit_trail`) keeps an event: the audit writer's
   * AUDIT_RETENTION_DAYS, applied as the collection's TTL index. Within the runtime's bounds
   * (runtime/src/audit-writer/audit-writer-config.ts AUDIT_RETENTION_DAYS: 1 to 3653).
   */
  readonly auditRetentionDays: number;
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
    keepsState: false,
    keyDeletionWindow: Duration.days(7),
    deletionProtection: false,
    backupRetention: Duration.days(7),
    logRetention: RetentionDays.ONE_MONTH,
    // Development accepts a zone outage of its data tier: storage stays replicated
    // across three zones (Aurora, DocumentDB), compute is a single node.
    databaseReaders: 0,
    documentDbInstances: 1,
    brokerDeployment: 'SINGLE_INSTANCE',
    // As long as its logs (ONE_MONTH): development's trail serves debugging, and its events
    // name only test tenants; a longer one would only grow DocumentDB storage.
    auditRetentionDays: 30,
    minReplicas: 2,
    maxReplicas: 6,
    // Development prefers balance but still runs when a zone lacks capacity.
    strictZoneSpread: false,
  },
  high: {
    name: 'high',
    keepsState: true,
    keyDeletionWindow: Duration.days(30),
    deletionProtection: true,
    backupRetention: Duration.days(35),
    logRetention: RetentionDays.ONE_YEAR,
    databaseReaders: 2,
    documentDbInstances: 3,
    brokerDeployment: 'CLUSTER_MULTI_AZ',
    // PCI DSS v4.0 requirement 10.5.1 keeps audit log history for at least twelve months (the
    // strictest of the usual frameworks; SOC 2 and ISO 27001 audits look back one year); the
    // 35 days beyond 365 cover an annual audit whose fieldwork starts late.
    auditRetentionDays: 400,
    minReplicas: 3,
    maxReplicas: 12,
    strictZoneSpread: true,
  },
};

export function isStageName(value: unknown): value is StageName {
  return typeof value === 'string' && (STAGE_NAMES as readonly string[]).includes(value);
}

/**
 * What a resource is, for what deleting its stack may do to it:
 * - `snapshot`: a database cluster (Aurora, DocumentDB), which leaves a final
 *   snapshot behind and is then deleted (DeletionPolicy `Snapshot`:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html);
 * - `state`: anything else that holds state or evidence (keys, log groups, the broker, the EKS cluster).
 *
 * Things that hold neither (provider Lambdas, Helm releases, Kubernetes
 * manifests, security groups, roles of custom resources) get no removal
 * policy at all: CloudFormation deletes them, so a rollback or a stack
 * deletion leaves no ENI behind that keeps the VPC from being deleted.
 */
export type RemovalKind = 'snapshot' | 'state';

/**
 * The one mapping from a stage to removal policies: low destroys everything it
 * created with the stack; high keeps state, and snapshots what can be snapshotted.
 *
 * High keeps state with `RETAIN_ON_UPDATE_OR_DELETE` (DeletionPolicy
 * `RetainExceptOnCreate`, UpdateReplacePolicy `Retain`): kept when the stack is
 * deleted or the resource replaced, but deleted when the operation that created
 * it rolls back, so a failed first deploy leaves nothing behind that a retry
 * would collide with. CloudFormation accepts it on every resource type that
 * takes a DeletionPolicy
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html,
 * https://aws.amazon.com/about-aws/whats-new/2023/07/aws-cloudformation-deletion-policies-dev-test-cycle/).
 * A retained resource still outlives its stack: it must not carry a fixed
 * physical name (lib/config/naming.ts, `withStackCreationSuffix`).
 *
 * Database clusters keep `SNAPSHOT`. With deletion protection on (high), a
 * rollback of the create that made them fails on them (RDS refuses to delete a
 * protected cluster); their CloudFormation-generated identifiers keep that from
 * blocking a retry, and the README says how to clear it.
 */
export function removalPolicyFor(stage: StageProfile, kind: RemovalKind): RemovalPolicy {
  if (!stage.keepsState) return RemovalPolicy.DESTROY;
  return kind === 'snapshot' ? RemovalPolicy.SNAPSHOT : RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
}

/**
 * The policy for the companions of a snapshottable resource (its log groups,
 * its rotation function's logs), which cannot snapshot: a SNAPSHOT policy keeps
 * them as state is kept (RETAIN_ON_UPDATE_OR_DELETE); any other policy applies as is.
 */
export function companionRemovalPolicy(policy: RemovalPolicy): RemovalPolicy {
  return policy === RemovalPolicy.SNAPSHOT ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : policy;
}
