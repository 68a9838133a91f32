/**
 * The key that encrypts every stateful resource at rest, by resource type. A
 * property left out means the service's default, stated per type below.
 */
import { ENCRYPTION_EXCEPTION_METADATA } from '../../exceptions';
import { keyOf, referencedId, stripHash } from '../../naming';
import type { CfnBlockDeviceMapping, CfnResource, CfnValue, TemplateView } from '../../template';
import type { CfnPropertiesByType, CfnType } from '../../template/properties';
import type { AtRestProtection, StatefulResourceFacts } from './types';

type Protected = Pick<StatefulResourceFacts, 'protections'> & Partial<Pick<StatefulResourceFacts, 'performanceInsights' | 'subject'>>;

export function atRestFacts(view: TemplateView): StatefulResourceFacts[] {
  const facts: StatefulResourceFacts[] = [];
  for (const [id, resource] of view.all()) {
    const found = protectionOf(view, id, resource);
    if (!found) continue;
    facts.push({
      logicalId: id,
      type: resource.Type,
      name: physicalName(id, resource),
      subject: found.subject,
      protections: found.protections,
      performanceInsights: found.performanceInsights ?? [],
      exceptionReason: exceptionReason(resource),
    });
  }
  return facts;
}

/** `true`/`'true'` (CloudFormation accepts either) with a key, or the service's AWS-managed key without one. */
function encrypted(view: TemplateView, enabled: unknown, key: CfnValue, serviceAlias: string): AtRestProtection {
  if (enabled !== true && enabled !== 'true') return { kind: 'unencrypted' };
  return key === undefined ? { kind: 'service-default-key', alias: serviceAlias } : { kind: 'key', key: keyOf(view, key) };
}

const keyOrElse = (view: TemplateView, key: CfnValue, otherwise: AtRestProtection): AtRestProtection => (key === undefined ? otherwise : { kind: 'key', key: keyOf(view, key) });

function protectionOf(view: TemplateView, id: string, resource: CfnResource): Protected | undefined {
  /** The resource's properties, typed as those of `type` (the case it is in). */
  const as = <T extends CfnType>(type: T): Partial<CfnPropertiesByType[T]> => view.getOfType(id, type)?.Properties ?? {};
  switch (resource.Type) {
    case 'AWS::RDS::DBCluster': {
      const props = as('AWS::RDS::DBCluster');
      // Performance Insights data is encrypted with the key of the cluster's or its instances' setting.
      const instances = view.ofType('AWS::RDS::DBInstance').filter(([, i]) => referencedId(i.Properties?.DBClusterIdentifier) === id);
      const insightKeys = [props.PerformanceInsightsKmsKeyId, ...instances.map(([, i]) => i.Properties?.PerformanceInsightsKMSKeyId)].filter((k) => k !== undefined);
      return { protections: [encrypted(view, props.StorageEncrypted, props.KmsKeyId, 'alias/aws/rds')], performanceInsights: insightKeys.map((k) => keyOf(view, k)) };
    }
    case 'AWS::DocDB::DBCluster': {
      const props = as('AWS::DocDB::DBCluster');
      return { protections: [encrypted(view, props.StorageEncrypted, props.KmsKeyId, 'alias/aws/rds')] };
    }
    case 'AWS::RDS::DBInstance': {
      const props = as('AWS::RDS::DBInstance');
      return props.DBClusterIdentifier === undefined ? { protections: [encrypted(view, props.StorageEncrypted, props.KmsKeyId, 'alias/aws/rds')] } : undefined;
    }
    case 'AWS::AmazonMQ::Broker': {
      const options = as('AWS::AmazonMQ::Broker').EncryptionOptions ?? {};
      return { protections: [options.UseAwsOwnedKey === false && options.KmsKeyId ? { kind: 'key', key: keyOf(view, options.KmsKeyId) } : { kind: 'aws-owned' }] };
    }
    case 'AWS::SecretsManager::Secret':
      return { protections: [keyOrElse(view, as('AWS::SecretsManager::Secret').KmsKeyId, { kind: 'service-default-key', alias: 'alias/aws/secretsmanager' })] };
    case 'AWS::Logs::LogGroup':
      // Without a key, CloudWatch Logs encrypts with a key of its own.
      return { protections: [keyOrElse(view, as('AWS::Logs::LogGroup').KmsKeyId, { kind: 'aws-owned' })] };
    case 'AWS::Backup::BackupVault':
      return { protections: [keyOrElse(view, as('AWS::Backup::BackupVault').EncryptionKeyArn, { kind: 'service-default-key', alias: 'alias/aws/backup' })] };
    case 'AWS::EC2::Volume': {
      const props = as('AWS::EC2::Volume');
      return { protections: [encrypted(view, props.Encrypted, props.KmsKeyId, 'alias/aws/ebs')] };
    }
    case 'AWS::EC2::Instance':
    case 'AWS::EC2::LaunchTemplate':
      return volumeProtection(view, id);
    case 'AWS::SNS::Topic':
      return { protections: [keyOrElse(view, as('AWS::SNS::Topic').KmsMasterKeyId, { kind: 'unencrypted' })] };
    case 'AWS::SQS::Queue':
      return { protections: [keyOrElse(view, as('AWS::SQS::Queue').KmsMasterKeyId, { kind: 'aws-owned', scheme: 'SSE-SQS' })] };
    case 'AWS::EKS::Cluster': {
      const config = (as('AWS::EKS::Cluster').EncryptionConfig ?? []).find((c) => (c.Resources ?? []).includes('secrets'));
      // Without envelope encryption, EKS still encrypts etcd volumes with a key of its own.
      return { subject: 'Kubernetes secrets', protections: [config ? { kind: 'key', key: keyOf(view, config.Provider?.KeyArn) } : { kind: 'aws-owned' }] };
    }
    case 'AWS::EFS::FileSystem': {
      const props = as('AWS::EFS::FileSystem');
      return { protections: [encrypted(view, props.Encrypted, props.KmsKeyId, 'alias/aws/elasticfilesystem')] };
    }
    case 'AWS::S3::Bucket': {
      const rule = as('AWS::S3::Bucket').BucketEncryption?.ServerSideEncryptionConfiguration?.[0]?.ServerSideEncryptionByDefault;
      return { protections: [rule?.KMSMasterKeyID ? { kind: 'key', key: keyOf(view, rule.KMSMasterKeyID) } : { kind: 'aws-owned', scheme: 'SSE-S3' }] };
    }
    case 'AWS::DynamoDB::Table': {
      const sse = as('AWS::DynamoDB::Table').SSESpecification;
      return { protections: [sse?.SSEEnabled && sse.KMSMasterKeyId ? { kind: 'key', key: keyOf(view, sse.KMSMasterKeyId) } : { kind: 'aws-owned' }] };
    }
    default:
      return undefined;
  }
}

/** An instance's or launch template's EBS volumes; an instance launched from a template is the template's. */
function volumeProtection(view: TemplateView, id: string): Protected | undefined {
  const instance = view.getOfType(id, 'AWS::EC2::Instance')?.Properties;
  const mappings: readonly CfnBlockDeviceMapping[] = instance
    ? (instance.BlockDeviceMappings ?? [])
    : (view.getOfType(id, 'AWS::EC2::LaunchTemplate')?.Properties?.LaunchTemplateData?.BlockDeviceMappings ?? []);
  const volumes = mappings.flatMap((m) => (m.Ebs ? [m.Ebs] : []));
  if (volumes.length) return { protections: volumes.map((ebs) => encrypted(view, ebs.Encrypted, ebs.KmsKeyId, 'alias/aws/ebs')) };
  if (instance?.LaunchTemplate) return undefined;
  return { protections: [{ kind: 'no-block-device-mapping' }] };
}

export function exceptionReason(resource: CfnResource): string | undefined {
  const reason = resource.Metadata?.[ENCRYPTION_EXCEPTION_METADATA];
  return typeof reason === 'string' && reason.trim() ? reason : undefined;
}

/** A physical name where the template fixes one, else the logical id without its hash. */
export function physicalName(id: string, resource: CfnResource): string {
  const p = resource.Properties ?? {};
  const physical = p.DBClusterIdentifier ?? p.BrokerName ?? p.BackupVaultName ?? p.LogGroupName ?? p.Name;
  return typeof physical === 'string' ? physical : stripHash(id);
}
