/** Native backups, AWS Backup plans and what their selections cover, and the vaults that hold recovery points. */
import { referencedId, referencedIds, templateText } from '../../naming';
import type { CfnPolicyStatement, CfnTag, TemplateView } from '../../template';
import type { BackedUpResourceFacts, BackupFacts, BackupRuleFacts } from './types';
import { physicalName } from './at-rest';

export function backupFacts(view: TemplateView): BackedUpResourceFacts[] {
  const plans = backupPlans(view);
  const facts: BackedUpResourceFacts[] = [];
  for (const [id, resource] of view.all()) {
    const backup = backupOf(view, plans, id);
    if (backup) facts.push({ logicalId: id, type: resource.Type, name: physicalName(id, resource), backup });
  }
  return facts;
}

function backupOf(view: TemplateView, plans: BackupPlans, id: string): BackupFacts | undefined {
  const rds = view.getOfType(id, 'AWS::RDS::DBCluster');
  const docdb = view.getOfType(id, 'AWS::DocDB::DBCluster');
  const cluster = rds ?? docdb;
  if (cluster) {
    const instances = rds
      ? view.ofType('AWS::RDS::DBInstance').filter(([, i]) => referencedId(i.Properties?.DBClusterIdentifier) === id)
      : view.ofType('AWS::DocDB::DBInstance').filter(([, i]) => referencedId(i.Properties?.DBClusterIdentifier) === id);
    const zones = instances.map(([, i]) => i.Properties?.AvailabilityZone).filter((z): z is string => typeof z === 'string');
    return {
      kind: 'database-cluster',
      // Both engines keep one day of automated backups unless told otherwise.
      retentionDays: cluster.Properties?.BackupRetentionPeriod ?? 1,
      plans: plans.covering(id),
      deletionProtection: cluster.Properties?.DeletionProtection === true,
      instances: instances.length,
      zones: [...new Set(zones)].sort(),
    };
  }
  const broker = view.getOfType(id, 'AWS::AmazonMQ::Broker');
  if (broker) return { kind: 'broker', deploymentMode: String(broker.Properties?.DeploymentMode) };
  const vault = view.getOfType(id, 'AWS::Backup::BackupVault');
  if (vault) {
    const everyone = (p: CfnPolicyStatement['Principal']) => p === '*' || templateText(p?.AWS) === '*';
    const denied = (vault.Properties?.AccessPolicy?.Statement ?? []).filter((s) => s.Effect === 'Deny' && everyone(s.Principal)).flatMap((s) => [s.Action ?? []].flat());
    return { kind: 'vault', deniedToEveryone: denied.sort(), minRetentionDays: vault.Properties?.LockConfiguration?.MinRetentionDays, retainedOnStackDeletion: vault.DeletionPolicy === 'Retain' };
  }
  const instance = view.getOfType(id, 'AWS::EC2::Instance');
  if (instance) return { kind: 'instance-volumes', plans: plans.coveringVolumesTagged(instance.Properties?.Tags ?? []), tagsPropagated: instance.Properties?.PropagateTagsToVolumeOnCreation === true };
  return undefined;
}

interface BackupPlans {
  /** Rules of the plans whose selection names the resource (a Ref or GetAtt of it, inside an ARN or not). */
  covering(logicalId: string): BackupRuleFacts[];
  /** Rules of the plans that select EBS volumes by tags these tags satisfy. */
  coveringVolumesTagged(tags: readonly CfnTag[]): BackupRuleFacts[];
}

function backupPlans(view: TemplateView): BackupPlans {
  const rulesOf = new Map<string, BackupRuleFacts[]>();
  for (const [id, plan] of view.ofType('AWS::Backup::BackupPlan')) {
    const body = plan.Properties?.BackupPlan ?? {};
    rulesOf.set(
      id,
      (body.BackupPlanRule ?? []).map((rule) => ({
        plan: String(body.BackupPlanName),
        continuous: rule.EnableContinuousBackup === true,
        schedule: rule.ScheduleExpression,
        deleteAfterDays: rule.Lifecycle?.DeleteAfterDays,
      })),
    );
  }
  const selections = view.ofType('AWS::Backup::BackupSelection').map(([, s]) => ({
    rules: rulesOf.get(referencedId(s.Properties?.BackupPlanId) ?? '') ?? [],
    resources: s.Properties?.BackupSelection?.Resources ?? [],
    conditions: s.Properties?.BackupSelection?.Conditions?.StringEquals ?? [],
  }));
  return {
    covering: (logicalId) => selections.filter(({ resources }) => resources.some((r) => referencedIds(r).has(logicalId))).flatMap(({ rules }) => rules),
    coveringVolumesTagged(tags) {
      const tagged = new Map(tags.map((t) => [t.Key, t.Value]));
      return selections
        .filter(({ resources, conditions }) => {
          const volumes = resources.some((r) => templateText(r).includes(':volume/*'));
          return volumes && conditions.every((c) => tagged.get(c.ConditionKey.replace('aws:ResourceTag/', '')) === c.ConditionValue);
        })
        .flatMap(({ rules }) => rules);
    },
  };
}
