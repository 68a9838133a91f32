/**
 * Encryption posture: which key encrypts every stateful resource, which TLS
 * each data service enforces, and which backups cover it. Keys are named by
 * what they are for, resolved through the stack's KMS aliases:
 * `brand-platform`, `customer:<id>`, `aws-owned (reason: ...)`,
 * `aws-managed (reason: ...)` or `unencrypted`.
 *
 * A resource that is deliberately not under a customer-managed key states why
 * in its template metadata ({@link ENCRYPTION_EXCEPTION_METADATA}); without a
 * reason its label says `no reason given`, which the tests refuse.
 */
import type { CfnResource, PostureInput, TemplateView } from '../template';

/** Template metadata key in which a resource states why it is not under a CMK. */
export const ENCRYPTION_EXCEPTION_METADATA = 'brandstack:encryption-exception';

export interface EncryptionPosture {
  /** Each KMS key by alias: what it is for and how it is kept. */
  readonly keys: Record<string, string>;
  /** `<type> <name>` → the key that encrypts it at rest. */
  readonly atRest: Record<string, string>;
  /** `<type> <name>` → how the data service enforces TLS. */
  readonly inTransit: Record<string, string>;
  /** `<type> <name>` → native backups and AWS Backup plans that cover it; vaults and their protection. */
  readonly backups: Record<string, string>;
  /** Stateful things AWS services create outside the stack, and how they are encrypted. */
  readonly outsideTheStack: string[];
}

export function encryptionPosture(input: PostureInput): EncryptionPosture {
  const view = input.template;
  const keys = new KeyNames(view);
  const atRest: Record<string, string> = {};
  const inTransit: Record<string, string> = {};
  const backups: Record<string, string> = {};
  const outsideTheStack: string[] = [];
  const plans = backupPlans(view);

  for (const [id, resource] of view.all()) {
    const props = resource.Properties ?? {};
    const name = `${resource.Type.replace(/^AWS::/, '')} ${nameOf(id, resource)}`;
    const reason = exceptionReason(resource);
    const encrypted = (enabled: unknown, key: unknown, awsManagedAlias: string) =>
      enabled === true || enabled === 'true' ? (key === undefined ? `aws-managed ${awsManagedAlias} ${reason}` : keys.label(key)) : 'unencrypted';

    switch (resource.Type) {
      case 'AWS::RDS::DBCluster':
      case 'AWS::DocDB::DBCluster': {
        const service = resource.Type === 'AWS::RDS::DBCluster' ? 'rds' : 'docdb';
        const instances = view.ofType(resource.Type.replace('DBCluster', 'DBInstance')).filter(([, i]) => view.referenceOf(i.Properties?.DBClusterIdentifier) === id);
        const insightKeys = [props.PerformanceInsightsKmsKeyId, ...instances.map(([, i]) => i.Properties?.PerformanceInsightsKMSKeyId)].filter(Boolean);
        const insights = [...new Set(insightKeys.map((k) => keys.label(k)))];
        atRest[name] = encrypted(props.StorageEncrypted, props.KmsKeyId, 'alias/aws/rds') + (insights.length ? `; Performance Insights ${insights.join(', ')}` : '');
        inTransit[name] = clusterTls(view, props.DBClusterParameterGroupName, service);
        const zones = [...new Set(instances.map(([, i]) => i.Properties?.AvailabilityZone).filter(Boolean))].sort();
        backups[name] = [
          `automated backups ${props.BackupRetentionPeriod ?? 1} days (point-in-time restore)`,
          ...plans.covering(id),
          props.DeletionProtection === true ? 'deletion protection on' : 'deletion protection OFF',
          `${instances.length} instance(s)` + (zones.length ? ` in ${zones.join(', ')}` : ''),
        ].join('; ');
        break;
      }
      case 'AWS::RDS::DBInstance':
        if (props.DBClusterIdentifier === undefined) atRest[name] = encrypted(props.StorageEncrypted, props.KmsKeyId, 'alias/aws/rds');
        if (Number(props.MonitoringInterval ?? 0) > 0) addOnce(outsideTheStack, ENHANCED_MONITORING_NOTE);
        break;
      case 'AWS::AmazonMQ::Broker': {
        const options = props.EncryptionOptions ?? {};
        atRest[name] = options.UseAwsOwnedKey === false && options.KmsKeyId ? keys.label(options.KmsKeyId) : `aws-owned ${reason}`;
        if (props.EngineType === 'RABBITMQ') {
          inTransit[name] = `AMQPS only: Amazon MQ for RabbitMQ listens on 5671 (AMQP over TLS) and 443 (HTTPS management), never plain AMQP; ${props.PubliclyAccessible === false ? 'private' : 'PUBLIC'}`;
        }
        backups[name] = `${props.DeploymentMode}; no backups (Amazon MQ has none): queues hold messages in flight, not records`;
        if (props.Logs?.General) addOnce(outsideTheStack, BROKER_LOG_NOTE);
        break;
      }
      case 'AWS::SecretsManager::Secret':
        atRest[name] = props.KmsKeyId === undefined ? `aws-managed alias/aws/secretsmanager ${reason}` : keys.label(props.KmsKeyId);
        break;
      case 'AWS::Logs::LogGroup':
        atRest[name] = props.KmsKeyId === undefined ? `aws-owned ${reason}` : keys.label(props.KmsKeyId);
        break;
      case 'AWS::Backup::BackupVault': {
        atRest[name] = props.EncryptionKeyArn === undefined ? `aws-managed alias/aws/backup ${reason}` : keys.label(props.EncryptionKeyArn);
        const denies = (props.AccessPolicy?.Statement ?? []).filter((s: any) => s.Effect === 'Deny').flatMap((s: any) => [].concat(s.Action));
        const lock = props.LockConfiguration;
        backups[name] = [
          denies.length ? `denies ${denies.sort().join(', ')} to everyone` : 'recovery points deletable by IAM principals',
          lock ? `vault lock: minimum retention ${lock.MinRetentionDays} days` : 'no vault lock',
          resource.DeletionPolicy === 'Retain' ? 'retained when the stack is deleted' : 'deleted with the stack',
        ].join('; ');
        break;
      }
      case 'AWS::EC2::Volume':
        atRest[name] = encrypted(props.Encrypted, props.KmsKeyId, 'alias/aws/ebs');
        break;
      case 'AWS::EC2::Instance':
      case 'AWS::EC2::LaunchTemplate': {
        const data = resource.Type === 'AWS::EC2::Instance' ? props : props.LaunchTemplateData ?? {};
        const volumes = (data.BlockDeviceMappings ?? []).filter((m: any) => m.Ebs);
        if (volumes.length) {
          atRest[name] = [...new Set(volumes.map((m: any) => encrypted(m.Ebs.Encrypted, m.Ebs.KmsKeyId, 'alias/aws/ebs')))].join(', ');
        } else if (!(resource.Type === 'AWS::EC2::Instance' && props.LaunchTemplate)) {
          atRest[name] = `unencrypted unless the account enables EBS encryption by default: no block device mapping ${reason}`;
        }
        if (resource.Type === 'AWS::EC2::Instance') backups[name] = plans.coveringVolumesOf(props);
        break;
      }
      case 'AWS::SNS::Topic':
        atRest[name] = props.KmsMasterKeyId === undefined ? 'unencrypted' : keys.label(props.KmsMasterKeyId);
        break;
      case 'AWS::SQS::Queue':
        atRest[name] = props.KmsMasterKeyId === undefined ? `aws-owned (SSE-SQS) ${reason}` : keys.label(props.KmsMasterKeyId);
        break;
      case 'AWS::EKS::Cluster': {
        const config = (props.EncryptionConfig ?? []).find((c: any) => (c.Resources ?? []).includes('secrets'));
        atRest[`${name} (Kubernetes secrets)`] = config ? keys.label(config.Provider?.KeyArn) : `aws-owned ${reason}`;
        break;
      }
      case 'AWS::EFS::FileSystem':
        atRest[name] = encrypted(props.Encrypted, props.KmsKeyId, 'alias/aws/elasticfilesystem');
        break;
      case 'AWS::S3::Bucket': {
        const rule = props.BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
        atRest[name] = rule?.KMSMasterKeyID ? keys.label(rule.KMSMasterKeyID) : `aws-owned (SSE-S3) ${reason}`;
        break;
      }
      case 'AWS::DynamoDB::Table': {
        const sse = props.SSESpecification;
        atRest[name] = sse?.SSEEnabled && sse.KMSMasterKeyId ? keys.label(sse.KMSMasterKeyId) : `aws-owned ${reason}`;
        break;
      }
      case 'AWS::Lambda::Function':
        if (!props.LoggingConfig?.LogGroup) {
          addOnce(outsideTheStack, `/aws/lambda/<function>: created by Lambda at first invocation for ${view.ofType('AWS::Lambda::Function').filter(([, f]) => !f.Properties?.LoggingConfig?.LogGroup).length} function(s) without a log group in the stack (CDK custom-resource handlers); CloudWatch Logs default encryption`);
        }
        break;
    }
  }
  return { keys: keys.describe(), atRest: sorted(atRest), inTransit: sorted(inTransit), backups: sorted(backups), outsideTheStack };
}

const ENHANCED_MONITORING_NOTE =
  'RDSOSMetrics: RDS enhanced monitoring writes to this account-wide log group, shared by every RDS instance of the account and region, so a brand stack cannot own it; CloudWatch Logs default encryption';
const BROKER_LOG_NOTE =
  '/aws/amazonmq/broker/<broker-id>/general: created by Amazon MQ, which assigns the broker id at creation, so the group cannot be created beforehand with a CMK; CloudWatch Logs default encryption';

/** Names KMS keys by their aliases: brand-platform, customer:<id>, or the alias itself. */
class KeyNames {
  private readonly aliases = new Map<string, string>();

  constructor(private readonly view: TemplateView) {
    for (const [, alias] of view.ofType('AWS::KMS::Alias')) {
      const target = view.referenceOf(alias.Properties?.TargetKeyId);
      if (target) this.aliases.set(target, alias.Properties?.AliasName);
    }
  }

  /** The label of a key reference ({Ref}, {Fn::GetAtt}, an ARN or alias string). */
  label(reference: unknown): string {
    const id = this.view.referenceOf(reference);
    if (id === undefined) return `key ${JSON.stringify(reference)}`;
    const alias = this.aliases.get(id) ?? (id.startsWith('alias/') ? id : undefined);
    if (alias?.startsWith('alias/aws/')) return `aws-managed ${alias} (no reason given)`;
    if (!alias) return this.view.get(id)?.Type === 'AWS::KMS::Key' ? `cmk ${readable(id)} (no alias)` : `key ${id}`;
    const match = /^alias\/brandstack\/[^/]+\/(.+)$/.exec(alias);
    if (!match) return alias;
    return match[1] === 'platform' ? 'brand-platform' : `customer:${match[1]}`;
  }

  describe(): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [id, key] of this.view.ofType('AWS::KMS::Key')) {
      const props = key.Properties ?? {};
      const alias = this.aliases.get(id) ?? `(no alias) ${readable(id)}`;
      const label = this.label({ Ref: id });
      result[alias] = [
        label,
        // The brand's customers share its databases (kept apart by the tenant layer), so
        // storage is under the platform key and customer keys wrap each customer's records.
        ...(label.startsWith('customer:') ? ["envelope encryption of this customer's records inside the brand's shared databases"] : []),
        props.KeySpec ?? 'SYMMETRIC_DEFAULT',
        props.EnableKeyRotation === true ? 'rotation on' : 'rotation OFF',
        `deletion window ${props.PendingWindowInDays ?? 30} days`,
        keyPolicySummary(props.KeyPolicy),
      ].join('; ');
    }
    return sorted(result);
  }
}

function keyPolicySummary(policy: any): string {
  const statements: any[] = policy?.Statement ?? [];
  const parts: string[] = [];
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue;
    const actions: string[] = [].concat(s.Action);
    const principal = s.Principal ?? {};
    const isRoot = JSON.stringify(principal.AWS ?? '').includes(':root');
    const viaService = s.Condition?.StringEquals?.['kms:ViaService'];
    if (isRoot && actions.includes('kms:*')) parts.push('account root kms:* (use delegated to IAM grants)');
    else if (isRoot && viaService) parts.push(`account principals via ${serviceName(viaService)}`);
    else if (isRoot) parts.push(actions.some((a) => /^kms:(Encrypt|Decrypt|GenerateDataKey|ReEncrypt)/.test(a)) ? 'account root may use' : 'account root administers, cannot use');
    else if (principal.Service) {
      parts.push(`${[].concat(principal.Service).map((p: any) => (typeof p === 'string' ? p : serviceName(p))).join(', ')} (${conditionsOf(s)})`);
    }
  }
  const grantees = new Set(
    statements.filter((s) => s.Effect === 'Allow' && s.Principal?.AWS && !JSON.stringify(s.Principal.AWS).includes(':root')).map((s) => JSON.stringify(s.Principal.AWS)),
  );
  const withContext = statements.some((s) => JSON.stringify(s.Condition ?? {}).includes('kms:EncryptionContext:brandstack:customer'));
  if (grantees.size) parts.push(`${grantees.size} grantee(s)${withContext ? ' with the customer encryption context' : ''}`);
  return `key policy: ${[...new Set(parts)].join(', ') || 'none'}`;
}

function serviceName(value: unknown): string {
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value);
  const match = /"([a-z0-9-]+)\./.exec(text);
  return match ? `${match[1]}.<region>.amazonaws.com` : text;
}

function conditionsOf(statement: any): string {
  const keys = Object.values(statement.Condition ?? {}).flatMap((c: any) => Object.keys(c));
  return keys.length ? `only with ${keys.join(', ')}` : 'unconditioned';
}

function clusterTls(view: TemplateView, groupRef: unknown, service: 'rds' | 'docdb'): string {
  const id = view.referenceOf(groupRef);
  const parameters = (id && view.get(id)?.Properties?.Parameters) ?? {};
  if (service === 'rds') {
    if (String(parameters['rds.force_ssl']) !== '1') return 'TLS NOT enforced (rds.force_ssl is not 1)';
    return `TLS required (rds.force_ssl=1${parameters.ssl_min_protocol_version ? `, minimum ${parameters.ssl_min_protocol_version}` : ''})`;
  }
  const tls = parameters.tls ?? 'enabled (engine default)';
  return tls === 'disabled' ? 'TLS NOT enforced (tls=disabled)' : `TLS required (tls=${tls}); audit_logs=${parameters.audit_logs ?? 'disabled'}`;
}

interface PlanRule {
  readonly plan: string;
  readonly description: string;
}

/** AWS Backup plans and what their selections cover. */
function backupPlans(view: TemplateView) {
  const rulesOf = new Map<string, PlanRule[]>();
  for (const [id, plan] of view.ofType('AWS::Backup::BackupPlan')) {
    const body = plan.Properties?.BackupPlan ?? {};
    rulesOf.set(
      id,
      (body.BackupPlanRule ?? []).map((rule: any) => ({
        plan: body.BackupPlanName,
        description: `AWS Backup ${body.BackupPlanName}: ${rule.EnableContinuousBackup ? 'continuous (point-in-time)' : rule.ScheduleExpression}, kept ${rule.Lifecycle?.DeleteAfterDays ?? 'forever'} days`,
      })),
    );
  }
  const selections = view.ofType('AWS::Backup::BackupSelection').map(([, s]) => ({
    rules: rulesOf.get(view.referenceOf(s.Properties?.BackupPlanId) ?? '') ?? [],
    selection: s.Properties?.BackupSelection ?? {},
  }));
  return {
    /** Plans whose selection names the resource (by Ref or GetAtt in an ARN). */
    covering(logicalId: string): string[] {
      const pattern = new RegExp(`"(Ref|Fn::GetAtt)":\\[?"${logicalId}"`);
      const found = selections.filter(({ selection }) => (selection.Resources ?? []).some((r: unknown) => pattern.test(JSON.stringify(r))));
      return found.length ? found.flatMap(({ rules }) => rules.map((r) => r.description)) : ['in no AWS Backup plan'];
    },
    /** Plans that select an instance's EBS volumes by tag, given the tags it propagates to them. */
    coveringVolumesOf(instance: Record<string, any>): string {
      const tags = new Map<string, string>((instance.Tags ?? []).map((t: any) => [t.Key, t.Value]));
      const found = selections.filter(({ selection }) => {
        const volumes = (selection.Resources ?? []).some((r: unknown) => JSON.stringify(r).includes(':volume/*'));
        const conditions: any[] = selection.Conditions?.StringEquals ?? [];
        return volumes && conditions.every((c) => tags.get(String(c.ConditionKey).replace('aws:ResourceTag/', '')) === c.ConditionValue);
      });
      if (!found.length) return 'EBS volumes in no AWS Backup plan';
      if (instance.PropagateTagsToVolumeOnCreation !== true) return 'EBS volumes in no AWS Backup plan: the tags the plan selects on are not propagated to the volumes';
      return found.flatMap(({ rules }) => rules.map((r) => `EBS volumes: ${r.description}`)).join('; ');
    },
  };
}

function exceptionReason(resource: CfnResource): string {
  const reason = resource.Metadata?.[ENCRYPTION_EXCEPTION_METADATA];
  return typeof reason === 'string' && reason.trim() ? `(reason: ${reason})` : '(no reason given)';
}

/** A physical name where the template fixes one, else the logical id without CDK's hash suffix. */
function nameOf(id: string, resource: CfnResource): string {
  const p = resource.Properties ?? {};
  const physical = p.DBClusterIdentifier ?? p.BrokerName ?? p.BackupVaultName ?? p.LogGroupName ?? p.Name;
  return typeof physical === 'string' ? physical : readable(id);
}

function readable(logicalId: string): string {
  return logicalId.replace(/^BrandStack(?=[A-Z])/, '').replace(/([0-9A-F]{8})?[0-9a-f]{16,}$|[0-9A-F]{8}$/, '');
}

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
