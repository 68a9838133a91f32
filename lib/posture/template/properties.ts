/**
 * The properties of the CloudFormation resource types the posture reads, as
 * they appear in a synthesized template (PascalCase JSON, not CDK's camelCase
 * props). Only the properties read are listed. A value CDK may write as an
 * intrinsic ({Ref}, {Fn::GetAtt}, {Fn::Join}) is a {@link CfnValue}; reading it
 * goes through lib/posture/naming.ts. Property names and meanings:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-template-resource-type-ref.html
 */

/** A literal, or an intrinsic function CloudFormation resolves at deploy time. */
export type CfnValue = unknown;

export interface CfnTag {
  readonly Key: string;
  readonly Value: string;
}

/** An IAM policy statement, as in key, vault and IAM policies. */
export interface CfnPolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly Resource?: CfnValue;
  readonly Principal?: { readonly AWS?: CfnValue; readonly Service?: CfnValue } | '*';
  /** Operator → condition key → value(s). */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, CfnValue>>>>;
}

export interface CfnPolicyDocument {
  readonly Statement?: readonly CfnPolicyStatement[];
}

export interface CfnIngressRule {
  readonly IpProtocol?: string | number;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly CidrIp?: CfnValue;
  readonly CidrIpv6?: CfnValue;
  readonly SourceSecurityGroupId?: CfnValue;
  readonly SourcePrefixListId?: CfnValue;
}

export interface CfnMetadataOptions {
  readonly HttpTokens?: string;
}

export interface CfnBlockDeviceMapping {
  readonly DeviceName?: string;
  readonly Ebs?: { readonly Encrypted?: boolean | string; readonly KmsKeyId?: CfnValue };
}

/** Properties by resource type. A type not listed here reads as `Record<string, unknown>`. */
export interface CfnPropertiesByType {
  'AWS::EC2::VPC': { readonly CidrBlock?: CfnValue };
  'AWS::EC2::Subnet': {
    readonly VpcId?: CfnValue;
    readonly CidrBlock?: CfnValue;
    readonly AvailabilityZone?: CfnValue;
    readonly MapPublicIpOnLaunch?: boolean;
    readonly Tags?: readonly CfnTag[];
  };
  'AWS::EC2::VPCGatewayAttachment': { readonly VpcId?: CfnValue; readonly InternetGatewayId?: CfnValue };
  'Custom::VpcRestrictDefaultSG': { readonly DefaultSecurityGroupId?: CfnValue };
  'AWS::EC2::FlowLog': {
    readonly ResourceId?: CfnValue;
    readonly TrafficType?: string;
    readonly LogGroupName?: CfnValue;
    readonly LogDestinationType?: string;
    readonly LogDestination?: CfnValue;
  };
  'Custom::AWS': { readonly Create?: CfnValue };
  'AWS::EC2::VPCPeeringConnection': { readonly VpcId?: CfnValue; readonly PeerVpcId?: CfnValue };
  'AWS::EC2::Route': {
    readonly RouteTableId?: CfnValue;
    readonly VpcPeeringConnectionId?: CfnValue;
    readonly DestinationCidrBlock?: CfnValue;
    readonly DestinationIpv6CidrBlock?: CfnValue;
  };
  'AWS::EC2::SubnetRouteTableAssociation': { readonly RouteTableId?: CfnValue; readonly SubnetId?: CfnValue };
  'AWS::EC2::NetworkAcl': { readonly VpcId?: CfnValue };
  'AWS::EC2::SubnetNetworkAclAssociation': { readonly NetworkAclId?: CfnValue; readonly SubnetId?: CfnValue };
  'AWS::EC2::NetworkAclEntry': {
    readonly NetworkAclId?: CfnValue;
    readonly Egress?: boolean;
    readonly RuleNumber: number;
    readonly RuleAction: string;
    readonly Protocol: number;
    readonly PortRange?: { readonly From: number; readonly To: number };
    readonly CidrBlock?: CfnValue;
    readonly Ipv6CidrBlock?: CfnValue;
  };
  'AWS::EC2::SecurityGroup': { readonly SecurityGroupIngress?: readonly CfnIngressRule[] };
  'AWS::EC2::SecurityGroupIngress': CfnIngressRule & { readonly GroupId?: CfnValue };
  'AWS::EC2::EIP': { readonly InstanceId?: CfnValue };
  'AWS::EC2::EIPAssociation': { readonly InstanceId?: CfnValue; readonly AllocationId?: CfnValue; readonly EIP?: CfnValue };
  'AWS::EC2::Instance': {
    readonly SubnetId?: CfnValue;
    readonly SecurityGroupIds?: readonly CfnValue[];
    readonly NetworkInterfaces?: ReadonlyArray<{ readonly AssociatePublicIpAddress?: boolean; readonly GroupSet?: readonly CfnValue[] }>;
    readonly MetadataOptions?: CfnMetadataOptions;
    readonly LaunchTemplate?: { readonly LaunchTemplateId?: CfnValue };
    readonly BlockDeviceMappings?: readonly CfnBlockDeviceMapping[];
    readonly Tags?: readonly CfnTag[];
    readonly PropagateTagsToVolumeOnCreation?: boolean;
  };
  'AWS::EC2::LaunchTemplate': {
    readonly LaunchTemplateData?: { readonly MetadataOptions?: CfnMetadataOptions; readonly BlockDeviceMappings?: readonly CfnBlockDeviceMapping[] };
  };
  'AWS::EC2::Volume': { readonly Encrypted?: boolean | string; readonly KmsKeyId?: CfnValue };
  'AWS::ElasticLoadBalancingV2::LoadBalancer': { readonly Scheme?: string; readonly Type?: string };
  'AWS::Logs::LogGroup': { readonly LogGroupName?: CfnValue; readonly KmsKeyId?: CfnValue; readonly RetentionInDays?: number };
  'AWS::KMS::Key': {
    readonly KeySpec?: string;
    readonly EnableKeyRotation?: boolean;
    readonly PendingWindowInDays?: number;
    readonly KeyPolicy?: CfnPolicyDocument;
  };
  'AWS::KMS::Alias': { readonly AliasName?: string; readonly TargetKeyId?: CfnValue };
  'AWS::IAM::Policy': { readonly Roles?: readonly CfnValue[]; readonly PolicyDocument?: CfnPolicyDocument };
  'AWS::IAM::Role': { readonly AssumeRolePolicyDocument?: CfnPolicyDocument };
  'AWS::RDS::DBCluster': {
    readonly DBClusterIdentifier?: CfnValue;
    readonly StorageEncrypted?: boolean | string;
    readonly KmsKeyId?: CfnValue;
    readonly PerformanceInsightsKmsKeyId?: CfnValue;
    readonly DBClusterParameterGroupName?: CfnValue;
    readonly BackupRetentionPeriod?: number;
    readonly DeletionProtection?: boolean;
  };
  'AWS::RDS::DBInstance': {
    readonly DBClusterIdentifier?: CfnValue;
    readonly StorageEncrypted?: boolean | string;
    readonly KmsKeyId?: CfnValue;
    readonly PerformanceInsightsKMSKeyId?: CfnValue;
    readonly AvailabilityZone?: CfnValue;
    readonly MonitoringInterval?: number | string;
  };
  'AWS::RDS::DBClusterParameterGroup': { readonly Parameters?: Readonly<Record<string, CfnValue>> };
  'AWS::DocDB::DBCluster': {
    readonly DBClusterIdentifier?: CfnValue;
    readonly StorageEncrypted?: boolean | string;
    readonly KmsKeyId?: CfnValue;
    readonly DBClusterParameterGroupName?: CfnValue;
    readonly BackupRetentionPeriod?: number;
    readonly DeletionProtection?: boolean;
  };
  'AWS::DocDB::DBInstance': { readonly DBClusterIdentifier?: CfnValue; readonly AvailabilityZone?: CfnValue };
  'AWS::DocDB::DBClusterParameterGroup': { readonly Parameters?: Readonly<Record<string, CfnValue>> };
  'AWS::AmazonMQ::Broker': {
    readonly BrokerName?: CfnValue;
    readonly EngineType?: string;
    readonly DeploymentMode?: string;
    readonly PubliclyAccessible?: boolean;
    readonly EncryptionOptions?: { readonly UseAwsOwnedKey?: boolean; readonly KmsKeyId?: CfnValue };
    readonly Logs?: { readonly General?: boolean };
  };
  'AWS::SecretsManager::Secret': { readonly Name?: CfnValue; readonly KmsKeyId?: CfnValue };
  'AWS::SecretsManager::SecretTargetAttachment': { readonly SecretId?: CfnValue };
  'AWS::Backup::BackupVault': {
    readonly BackupVaultName?: CfnValue;
    readonly EncryptionKeyArn?: CfnValue;
    readonly AccessPolicy?: CfnPolicyDocument;
    readonly LockConfiguration?: { readonly MinRetentionDays?: number };
  };
  'AWS::Backup::BackupPlan': {
    readonly BackupPlan?: {
      readonly BackupPlanName?: string;
      readonly BackupPlanRule?: ReadonlyArray<{
        readonly EnableContinuousBackup?: boolean;
        readonly ScheduleExpression?: string;
        readonly Lifecycle?: { readonly DeleteAfterDays?: number };
      }>;
    };
  };
  'AWS::Backup::BackupSelection': {
    readonly BackupPlanId?: CfnValue;
    readonly BackupSelection?: {
      readonly Resources?: readonly CfnValue[];
      readonly Conditions?: { readonly StringEquals?: ReadonlyArray<{ readonly ConditionKey: string; readonly ConditionValue: string }> };
    };
  };
  'AWS::SNS::Topic': { readonly TopicName?: CfnValue; readonly KmsMasterKeyId?: CfnValue };
  'AWS::SQS::Queue': { readonly KmsMasterKeyId?: CfnValue };
  'AWS::EFS::FileSystem': { readonly Encrypted?: boolean | string; readonly KmsKeyId?: CfnValue };
  'AWS::S3::Bucket': {
    readonly BucketEncryption?: {
      readonly ServerSideEncryptionConfiguration?: ReadonlyArray<{ readonly ServerSideEncryptionByDefault?: { readonly KMSMasterKeyID?: CfnValue } }>;
    };
  };
  'AWS::DynamoDB::Table': { readonly SSESpecification?: { readonly SSEEnabled?: boolean; readonly KMSMasterKeyId?: CfnValue } };
  'AWS::Lambda::Function': { readonly LoggingConfig?: { readonly LogGroup?: CfnValue } };
  'AWS::CertificateManager::Certificate': {
    readonly DomainName?: string;
    readonly ValidationMethod?: string;
    readonly SubjectAlternativeNames?: readonly string[];
    readonly DomainValidationOptions?: ReadonlyArray<{ readonly DomainName?: string; readonly HostedZoneId?: CfnValue }>;
  };
  'AWS::Route53::HealthCheck': {
    readonly HealthCheckConfig?: { readonly Type?: string; readonly FullyQualifiedDomainName?: string; readonly Port?: number; readonly ResourcePath?: string };
  };
  'AWS::EKS::Cluster': {
    /** A literal, or built with the stack-creation suffix (lib/config/naming.ts). */
    readonly Name?: CfnValue;
    readonly Version?: string;
    readonly ResourcesVpcConfig?: {
      readonly EndpointPublicAccess?: boolean;
      readonly EndpointPrivateAccess?: boolean;
      readonly PublicAccessCidrs?: readonly string[];
      readonly SubnetIds?: readonly CfnValue[];
      readonly SecurityGroupIds?: readonly CfnValue[];
    };
    readonly EncryptionConfig?: ReadonlyArray<{ readonly Resources?: readonly string[]; readonly Provider?: { readonly KeyArn?: CfnValue } }>;
    readonly Logging?: { readonly ClusterLogging?: { readonly EnabledTypes?: ReadonlyArray<{ readonly Type: string }> } };
    readonly AccessConfig?: { readonly AuthenticationMode?: string; readonly BootstrapClusterCreatorAdminPermissions?: boolean };
    readonly ComputeConfig?: { readonly Enabled?: boolean; readonly NodePools?: readonly string[] };
  };
  'AWS::EKS::AccessEntry': {
    readonly PrincipalArn?: CfnValue;
    readonly Type?: string;
    readonly AccessPolicies?: ReadonlyArray<{ readonly PolicyArn?: CfnValue; readonly AccessScope?: { readonly Type?: string } }>;
  };
  'AWS::EKS::Addon': { readonly AddonName?: string; readonly AddonVersion?: string };
  'AWS::EKS::PodIdentityAssociation': { readonly Namespace?: string; readonly ServiceAccount?: string; readonly RoleArn?: CfnValue };
  /** The kubectl provider's manifest: a JSON array of Kubernetes objects, as a string or an Fn::Join. */
  'Custom::AWSCDK-EKS-KubernetesResource': { readonly Manifest?: CfnValue };
  /** The kubectl provider's Helm release; `Values` is a JSON object, as a string or an Fn::Join. */
  'Custom::AWSCDK-EKS-HelmChart': {
    readonly Release?: string;
    readonly Chart?: string;
    readonly Version?: string;
    readonly Repository?: string;
    readonly Values?: CfnValue;
  };
}

export type CfnType = keyof CfnPropertiesByType;
