/**
 * Every acknowledged compliance finding of a BrandStack, with its reason: a
 * reviewer reads this file (and pipeline.ts beside it) to learn every deliberate
 * exception to the AwsSolutions, NIST 800-53 rev5, PCI DSS 3.2.1 and HIPAA Security
 * packs. Each entry names the rules, what it applies to (lib/nag/acknowledgement.ts),
 * and why the finding does not apply or is accepted.
 */
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsCustomResource } from 'aws-cdk-lib/custom-resources';
import type { IConstruct } from 'constructs';
import { BrandBackup } from '../../constructs/backup/brand-backup';
import { BrandCluster } from '../../constructs/cluster/brand-cluster';
import { EncryptedNodePool } from '../../constructs/cluster/encrypted-node-pool';
import { IdentityWorkloads } from '../../constructs/cluster/identity-workloads';
import { RuntimeSecrets } from '../../constructs/cluster/runtime-secrets';
import { SecretsOperator } from '../../constructs/cluster/secrets-operator';
import { ExternalDns } from '../../constructs/dns/external-dns';
import { BrandStack } from '../../stacks/brand-stack';
import { SmokeClient } from '../../constructs/cluster/smoke-client';
import { AuroraPostgresCluster } from '../../constructs/data/aurora-postgres-cluster';
import { DocumentDbCluster } from '../../constructs/data/document-db-cluster';
import { RabbitBroker } from '../../constructs/data/rabbit-broker';
import { Bastion } from '../../constructs/network/bastion';
import { BrandVpcs } from '../../constructs/network/brand-vpcs';
import { PeeredDataVpc } from '../../constructs/network/peered-data-vpc';
import { VpcPeering } from '../../constructs/network/vpc-peering';
import { assumedBy, type Acknowledgement } from '../acknowledgement';

/** The stack-wide singleton function behind every AwsCustomResource (aws-cdk-lib names it after this UUID). */
function isAwsCustomResourceProvider(construct: IConstruct): boolean {
  return construct.node.id === `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;
}

/** The service role of an EKS cluster (aws-eks-v2 creates it as the cluster's child `Role`). */
function isEksClusterRole(construct: IConstruct): boolean {
  return construct instanceof iam.Role && construct.node.scope instanceof eks.Cluster;
}

export const BRAND_STACK_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  // --- data tier and backups (lib/constructs/data, lib/constructs/backup) ---
  {
    rules: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
    appliesTo: { resourceType: 'AWS::IAM::Role', within: AuroraPostgresCluster, where: assumedBy('monitoring.rds.amazonaws.com') },
    reason: 'The enhanced-monitoring role RDS assumes needs exactly what this AWS-maintained, service-specific policy grants (write to the RDSOSMetrics log group); AWS updates it with the service.',
  },
  {
    rules: ['NIST.800.53.R5-RDSInBackupPlan', 'HIPAA.Security-RDSInBackupPlan'],
    appliesTo: { resourceType: 'AWS::RDS::DBInstance', within: AuroraPostgresCluster },
    reason: 'Aurora instances hold no storage: AWS Backup protects the cluster, and the cluster ARN is in the continuous (point-in-time) backup plan, Backup/ContinuousPlan.',
  },
  {
    rules: ['AwsSolutions-RDS10', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled'],
    appliesTo: { resourceType: 'AWS::RDS::DBCluster', within: AuroraPostgresCluster },
    reason: 'Fires in stage low only: development stacks are torn down and recreated, so the low profile turns deletion protection off (StageProfile.deletionProtection). Stage high enables it; the encryption posture shows the setting per stage.',
  },
  {
    rules: ['AwsSolutions-DOC2'],
    appliesTo: { resourceType: 'AWS::DocDB::DBCluster', within: DocumentDbCluster },
    reason: 'Port 27017 is what MongoDB drivers expect; a non-default port is obscurity, not a control. The cluster is reachable only from the app workload subnets (security group and NACL), with TLS and credentials.',
  },
  {
    rules: ['AwsSolutions-DOC3'],
    appliesTo: { resourceType: 'AWS::DocDB::DBCluster', within: DocumentDbCluster },
    reason: 'MasterUsername and MasterUserPassword are both {{resolve:secretsmanager:...}} dynamic references to Mongo/Cluster/Secret; the rule cannot resolve the Fn::Join around the secret Ref and reports it as non-compliant.',
  },
  {
    rules: ['AwsSolutions-DOC5[LogExport::authenticate]', 'AwsSolutions-DOC5[LogExport::createIndex]', 'AwsSolutions-DOC5[LogExport::dropCollection]'],
    appliesTo: { resourceType: 'AWS::DocDB::DBCluster', within: DocumentDbCluster },
    reason: 'DocumentDB exports only the log types audit and profiler (both exported); authenticate, createIndex and dropCollection are audit event types, recorded in the exported audit log because audit_logs=enabled in Mongo/Parameters.',
  },
  {
    rules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
    appliesTo: { resourceType: 'AWS::SecretsManager::Secret', within: RabbitBroker },
    reason: 'Amazon MQ for RabbitMQ reads the admin user only when the broker is created, and there is no Secrets Manager rotation function for it: a new password must be set through the RabbitMQ management API, then stored here (runbook). The secret is CMK-encrypted and passed by dynamic reference.',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
    ],
    appliesTo: { resourceType: 'AWS::IAM::Role', within: BrandBackup, where: assumedBy('backup.amazonaws.com') },
    reason: 'The AWS Backup service role policies are AWS-maintained and track the services AWS Backup supports (RDS, DocumentDB, EBS snapshot APIs); the role is assumable only by backup.amazonaws.com.',
  },
  {
    rules: ['CloudFormation-Validate::W3010'],
    appliesTo: { resourceType: ['AWS::EC2::Subnet', 'AWS::EC2::Instance', 'AWS::RDS::DBInstance'], where: (p) => typeof p.AvailabilityZone === 'string' },
    reason:
      'Zones are named on purpose: the region catalog (lib/config/regions.ts) lists the three zones each environment spans, so synth is offline and deterministic ' +
      'for any account (BrandStack.availabilityZones) and skips zones not offered to new accounts (ap-northeast-1b, ca-central-1c).',
  },
  // --- brand network and bastion (lib/constructs/network) ---
  {
    rules: ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW'],
    appliesTo: { resourceType: 'AWS::EC2::Route', within: BrandVpcs, where: (p) => p.DestinationCidrBlock === '0.0.0.0/0' && p.GatewayId !== undefined },
    reason: 'The public subnets hold the internet-facing ingress load balancers, the bastion and the NAT gateways, which need a 0.0.0.0/0 route to the internet gateway to answer clients and carry workload egress. No other subnet (workload, database, data VPCs) has a route to an internet gateway, and security groups admit nothing from the internet except 443 on the ingress load balancer.',
  },
  {
    rules: ['CloudFormation-Validate::W9010'],
    appliesTo: { resourceType: 'AWS::EC2::Instance', within: Bastion },
    reason:
      "The bastion's AMI id is hardcoded on purpose: it is pinned per region in lib/config/bastion-amis.ts, so a new Amazon Linux release does not replace the host on the next deploy; " +
      'the pins change only in a reviewed commit made by `npx tsx lib/config/refresh-bastion-amis.ts`, which reads the public AL2023 SSM parameter of every deployable region. Synth refuses a region without a pin.',
  },
  {
    rules: ['AwsSolutions-EC29'],
    appliesTo: { resourceType: 'AWS::EC2::Instance', within: Bastion },
    reason: 'The bastion is stateless and is replaced by CloudFormation whenever its pinned image is refreshed (lib/config/bastion-amis.ts) or its user data changes; termination protection would make that replacement fail. Its Elastic IP, logs and alarms survive the replacement.',
  },
  {
    rules: ['AwsSolutions-IAM5[Resource::*]'],
    appliesTo: { resourceType: 'AWS::IAM::ManagedPolicy', within: Bastion },
    reason: 'Only the four ssmmessages channel actions Session Manager needs use Resource *: the ssmmessages service supports no resource-level permissions (Service Authorization Reference, Amazon Message Gateway Service).',
  },
  {
    rules: [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
    ],
    appliesTo: { resourceType: 'AWS::IAM::ManagedPolicy', within: Bastion },
    reason: 'ssm:UpdateInstanceInformation (Session Manager registration) cannot name the instance: the instance depends on this role, so its ARN would be a circular reference. logs:DescribeLogGroups, which Session Manager calls to confirm the session log group is encrypted, is authorised only on log-group:*. Both are read-only or self-registration actions in this account and region; writes are scoped to the bastion\'s two log groups.',
  },
  {
    rules: ['AwsSolutions-VPC3'],
    appliesTo: { resourceType: ['AWS::EC2::NetworkAcl', 'AWS::EC2::NetworkAclEntry', 'AWS::EC2::SubnetNetworkAclAssociation'], within: PeeredDataVpc },
    reason: 'Issue 3 requires network ACLs on the data VPCs that admit only the application VPC, as a second layer beneath the security groups. The entries admit the service port from the application VPC (and 443 from the bastion for the RabbitMQ console) and return traffic to its ephemeral ports; the posture model lists them.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: VpcPeering },
    reason: 'AwsCustomResource attaches its permissions as an inline policy on the shared provider role; it allows one action, ec2:ModifyVpcPeeringConnectionOptions, on one peering connection, and lives and dies with the custom resource that enables DNS resolution over the peering (CloudFormation has no property for it).',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'NIST.800.53.R5-LambdaConcurrency',
      'NIST.800.53.R5-LambdaDLQ',
      'NIST.800.53.R5-LambdaInsideVPC',
      'PCI.DSS.321-LambdaInsideVPC',
      'HIPAA.Security-LambdaConcurrency',
      'HIPAA.Security-LambdaDLQ',
      'HIPAA.Security-LambdaInsideVPC',
    ],
    appliesTo: { within: isAwsCustomResourceProvider },
    reason: 'The AwsCustomResource provider function of aws-cdk-lib runs only during CloudFormation deployments (here: enabling DNS resolution over the two VPC peerings). It is invoked synchronously by CloudFormation, which reports failures (no DLQ needed), is never invoked concurrently beyond a handful of calls, calls only the EC2 API (no VPC data path), and its role gets only the basic logging policy plus the per-call scoped statements.',
  },
  // --- EKS cluster and identity workloads (lib/constructs/cluster) ---
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSComputePolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSBlockStoragePolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSLoadBalancingPolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSNetworkingPolicy]',
    ],
    appliesTo: { resourceType: 'AWS::IAM::Role', within: BrandCluster, where: assumedBy('eks.amazonaws.com') },
    reason:
      'EKS Auto Mode requires exactly these AWS-managed policies on the cluster role (https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html); ' +
      'AWS changes them with the features Auto Mode manages (instances, EBS, load balancers, ENIs), and their resource-level conditions (eks:eks-cluster-name tags) are written by AWS. The role is assumable only by eks.amazonaws.com.',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
    ],
    appliesTo: { resourceType: 'AWS::IAM::Role', within: EncryptedNodePool, where: assumedBy('ec2.amazonaws.com') },
    reason:
      'The two AWS-managed policies EKS documents for Auto Mode node roles (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html): node registration and image pulls, the narrowest AWS offers for them. The role is assumable only by ec2.amazonaws.com.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: isEksClusterRole },
    reason:
      'Holds the grants on the platform key only (secrets envelope encryption, added by aws-eks-v2, and the EBS grant actions Auto Mode needs for CMK-encrypted node volumes), scoped to that key ARN; a grant attached to its one role is the least-privilege boundary a shared managed policy would not give.',
  },
  {
    rules: ['CloudFormation-Validate::W9009'],
    appliesTo: { resourceType: 'AWS::EKS::Cluster', within: BrandCluster },
    reason:
      'aws-eks-v2 writes EncryptionConfig[0].Resources = ["secrets"], which the CloudFormation schema now marks deprecated; "secrets" is still the only value the EKS API accepts and the property is what turns envelope encryption of Kubernetes secrets with the platform key on.',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]',
      // Attached only when the handler's image comes from ECR Public (a condition in the template).
      'AwsSolutions-IAM4[Policy::{"Fn::If":["ClusterKubectlProviderHandlerHasEcrPublic6FE395CA",{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":iam::aws:policy/AmazonElasticContainerRegistryPublicReadOnly"]]},{"Ref":"AWS::NoValue"}]}]',
      'AwsSolutions-IAM5[Resource::<ClusterKubectlProviderHandler93C0312D.Arn>:*]',
      'AwsSolutions-L1',
      'NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy',
      'NIST.800.53.R5-LambdaConcurrency', 'HIPAA.Security-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'HIPAA.Security-LambdaDLQ',
    ],
    appliesTo: { within: eks.KubectlProvider },
    reason:
      'The kubectl provider is aws-eks-v2\'s custom-resource handler that applies manifests and Helm charts; CloudFormation invokes it synchronously during deployments only, so a DLQ or reserved concurrency has nothing to protect. ' +
      'Its roles carry the AWS Lambda basic/VPC execution and ECR read-only managed policies and an invoke permission on the handler\'s versions (ARN:*), all generated by aws-cdk-lib; its runtime is pinned by aws-cdk-lib 2.276.0 and moves with it. ' +
      'The handler runs in the private workload subnets (the cluster endpoint is private).',
  },
  {
    rules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
    appliesTo: { resourceType: 'AWS::SecretsManager::Secret', within: RuntimeSecrets },
    reason:
      'Key material of the identity runtime, not a credential of another service: the key-encryption key seals every stored signing key and the pepper keys every client-secret hash, and the runtime has no re-wrap or re-hash path, so an automatic new value would make all stored keys and client secrets unusable. ' +
      'The admin token is read at pod start; changing it is a deliberate step (new value, then a rollout). All three are generated by Secrets Manager at deployment, encrypted with the brand platform key, and readable only by the External Secrets controller role.',
  },
  {
    rules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
    appliesTo: { resourceType: 'AWS::SecretsManager::Secret', within: SmokeClient },
    reason:
      'The smoke-test client\'s credentials: the runtime provisions the client with this secret at start and never replaces a stored client\'s credentials (PresetClientConflict), so an automatic new value would fail every smoke test until the client is deleted by hand. ' +
      'The client may request no scope and its tokens name only the resource urn:brandstack:smoke, which no API accepts; the secret is generated by Secrets Manager at deployment, encrypted with the brand platform key, and readable only by the External Secrets controller role and the pipeline\'s smoke reader role.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: IdentityWorkloads },
    reason:
      'The identity runtime\'s Pod Identity role\'s only IAM permissions: sns:Publish on the one security topic (IP-block notifications to the brand\'s security contact) and kms:GenerateDataKey/kms:Decrypt on that topic\'s key only via SNS (kms:ViaService), bound to this one role; its customer-key use is in the customer keys\' own policies. A managed policy would be the same document, attachable elsewhere.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: SecretsOperator },
    reason:
      'The External Secrets controller role\'s only permissions: secretsmanager:GetSecretValue on the runtime secret ARNs (the four RuntimeSecrets and the smoke client\'s) and kms:Decrypt on the platform key via Secrets Manager, added by RuntimeSecrets.grantRead and bound to this one role; a managed policy would be the same document, attachable elsewhere.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: ExternalDns },
    onlyIn: publishesWithExternalDns,
    reason:
      'The ExternalDNS controller role\'s only permissions, bound to this one role: ChangeResourceRecordSets on the one hosted zone, conditioned on the stack\'s own record names, record types and actions, and the two list actions on that zone; a managed policy would be the same document, attachable elsewhere.',
  },
  {
    rules: ['AwsSolutions-IAM5[Resource::*]'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: ExternalDns },
    onlyIn: publishesWithExternalDns,
    reason:
      'Only route53:ListHostedZones uses Resource *: the action has no resource type (Service Authorization Reference, Amazon Route 53), and ExternalDNS calls it to find the zone its --zone-id-filter names. It reads zone names and ids, never records; record changes are scoped to the one zone ARN.',
  },
];

/**
 * ExternalDNS runs only where brandstack publishes the names into a zone (the brand's
 * or a delegated one); with pre-issued certificates the brand publishes them (lib/config/dns.ts).
 */
function publishesWithExternalDns(root: IConstruct): boolean {
  return !(root instanceof BrandStack) || root.target.brand.dns.kind !== 'certificates';
}
