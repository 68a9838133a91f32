/**
 * Which properties name a resource (its physical id, unique in the account and
 * region, or within its parent), and whether a value for them comes out the
 * same on a retry: what a retained resource collides on when the stack is
 * created again. Property names are from the CloudFormation resource reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-template-resource-type-ref.html);
 * "If you specify a name, you cannot perform updates that require replacement
 * of this resource" is the reference's note on each of them.
 */
import { isObject, referenceOf, textOf, type StackTemplate } from '../../template/stack-template';

/**
 * The properties that together name a resource of each type. A resource whose
 * name properties are all absent gets a name CloudFormation generates (unique
 * per creation). Types aws-cdk-lib names itself are here too: a BackupVault
 * always carries a BackupVaultName (the property is required, and the L2
 * derives it from the construct path), so it is fixed unless built from the
 * stack id.
 */
export const NAME_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::AmazonMQ::Broker': ['BrokerName'],
  'AWS::Backup::BackupVault': ['BackupVaultName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::DocDB::DBCluster': ['DBClusterIdentifier'],
  'AWS::DocDB::DBClusterParameterGroup': ['Name'],
  'AWS::DocDB::DBInstance': ['DBInstanceIdentifier'],
  'AWS::DocDB::DBSubnetGroup': ['DBSubnetGroupName'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::EC2::LaunchTemplate': ['LaunchTemplateName'],
  'AWS::ECR::Repository': ['RepositoryName'],
  'AWS::EKS::AccessEntry': ['ClusterName', 'PrincipalArn'],
  'AWS::EKS::Addon': ['ClusterName', 'AddonName'],
  'AWS::EKS::Cluster': ['Name'],
  'AWS::EKS::Nodegroup': ['ClusterName', 'NodegroupName'],
  'AWS::EKS::PodIdentityAssociation': ['ClusterName', 'Namespace', 'ServiceAccount'],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': ['Name'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': ['Name'],
  'AWS::Events::Rule': ['Name'],
  'AWS::IAM::Group': ['GroupName'],
  'AWS::IAM::InstanceProfile': ['InstanceProfileName'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::IAM::User': ['UserName'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::RDS::DBCluster': ['DBClusterIdentifier'],
  'AWS::RDS::DBClusterParameterGroup': ['DBClusterParameterGroupName'],
  'AWS::RDS::DBInstance': ['DBInstanceIdentifier'],
  'AWS::RDS::DBSubnetGroup': ['DBSubnetGroupName'],
  'AWS::Route53::RecordSet': ['HostedZoneId', 'Name', 'Type', 'SetIdentifier'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::SSM::Document': ['Name'],
  'AWS::SSM::Parameter': ['Name'],
  'AWS::SecretsManager::Secret': ['Name'],
};

/**
 * Properties of a composite name that may be absent without making the name
 * generated: a record set without SetIdentifier is still named by zone, name
 * and type.
 */
const OPTIONAL_NAME_PARTS: Readonly<Record<string, readonly string[]>> = {
  'AWS::Route53::RecordSet': ['SetIdentifier'],
};

/**
 * Pseudo-parameters that come out the same when a failed stack is deleted and
 * created again under the same name. AWS::StackId does not: it "Returns the
 * stack ID (ARN)", such as
 * `arn:aws:cloudformation:us-west-2:123456789012:stack/teststack/51af3dc0-da77-11e4-872e-1234567db123`,
 * whose last part is unique to each creation
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
 */
const STABLE_PSEUDO_PARAMETERS = new Set(['AWS::AccountId', 'AWS::NotificationARNs', 'AWS::Partition', 'AWS::Region', 'AWS::StackName', 'AWS::URLSuffix']);

/**
 * The resource's name, as `Property=value` text, when it is fixed: given, and
 * the same on a retry. Undefined when CloudFormation generates it or any part
 * depends on the stack id (or on a resource whose own name is generated).
 */
export function fixedName(template: StackTemplate, type: string, properties: Record<string, unknown>): string | undefined {
  return fixedNameOf(template, type, properties, new Set());
}

function fixedNameOf(template: StackTemplate, type: string, properties: Record<string, unknown>, visiting: Set<string>): string | undefined {
  const parts = NAME_PROPERTIES[type];
  if (!parts) return undefined;
  const optional = OPTIONAL_NAME_PARTS[type] ?? [];
  const named = parts.filter((part) => properties[part] !== undefined && !isNoValue(properties[part]));
  if (named.length === 0 || parts.some((part) => !optional.includes(part) && !named.includes(part))) return undefined;
  if (!named.every((part) => isFixed(template, properties[part], visiting))) return undefined;
  return named.map((part) => `${part}=${describe(properties[part])}`).join(',');
}

/** Whether a value comes out the same on a retry of the stack's creation. */
function isFixed(template: StackTemplate, value: unknown, visiting: Set<string>): boolean {
  if (Array.isArray(value)) return value.every((item) => isFixed(template, item, visiting));
  if (!isObject(value)) return true;
  const reference = referenceOf(value);
  if (reference) {
    const { logicalId } = reference;
    if (logicalId === 'AWS::StackId') return false;
    if (STABLE_PSEUDO_PARAMETERS.has(logicalId)) return true;
    const target = template.get(logicalId);
    // A template parameter: the same value on a retry (no resource of that id).
    if (!target) return true;
    if (visiting.has(logicalId)) return false;
    // A Ref or GetAtt of a resource carries its name when it has one (a cluster's Ref is its
    // name, a role's Arn ends in it); a resource without a fixed name gets a new id per creation.
    return fixedNameOf(template, target.type, target.properties, new Set([...visiting, logicalId])) !== undefined;
  }
  const sub = value['Fn::Sub'];
  if (sub !== undefined) {
    const [text, variables] = typeof sub === 'string' ? [sub, {}] : Array.isArray(sub) ? [String(sub[0]), isObject(sub[1]) ? sub[1] : {}] : ['', {}];
    for (const [, name] of String(text).matchAll(/\$\{([^!}][^}]*)\}/g)) {
      const variable = name in variables ? variables[name] : { Ref: name.split('.')[0] };
      if (!isFixed(template, variable, visiting)) return false;
    }
    return true;
  }
  // Fn::If may take either branch: fixed if either is.
  const branches = value['Fn::If'];
  if (Array.isArray(branches)) return isFixed(template, branches[1], visiting) || isFixed(template, branches[2], visiting);
  // Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::ImportValue ...: fixed when every input is.
  return Object.values(value).every((item) => isFixed(template, item, visiting));
}

function isNoValue(value: unknown): boolean {
  return referenceOf(value)?.logicalId === 'AWS::NoValue';
}

/** A name part as finding text (no brackets: cdk-nag writes a finding as `Rule[finding]`). */
function describe(value: unknown): string {
  return textOf(value).replace(/[[\]]/g, '');
}
