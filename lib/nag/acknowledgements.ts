/**
 * Every acknowledged compliance finding in brandstack, with its reason. This
 * is the only place findings are acknowledged: a reviewer reads this file to
 * learn every deliberate exception to the AwsSolutions, NIST 800-53 rev5,
 * PCI DSS 3.2.1 and HIPAA Security packs.
 *
 * Each entry names the rules, the constructs it applies to (a pattern over the
 * construct path below the stack), and why the finding does not apply or is
 * accepted.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /** Rule ids, or `RuleId[FindingId]` for one finding of a rule. */
  readonly rules: readonly string[];
  /** Matches the construct path relative to its stack, e.g. `Network/AppVpc/...`. */
  readonly path: RegExp;
  readonly reason: string;
  /**
   * Findings acknowledged by glob (`*` is any text), for finding ids that embed
   * generated logical ids, accounts or regions, e.g.
   * `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:log-group:/aws/codebuild/*]`:
   * cdk-nag 3 matches acknowledged ids exactly, so `rules` cannot name them.
   * @default none
   */
  readonly findingPatterns?: readonly string[];
}

export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  // --- data tier and backups (lib/constructs/data, lib/constructs/backup) ---
  {
    rules: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]'],
    path: /^Database\/Cluster\/MonitoringRole\/Resource$/,
    reason: 'The enhanced-monitoring role RDS assumes needs exactly what this AWS-maintained, service-specific policy grants (write to the RDSOSMetrics log group); AWS updates it with the service.',
  },
  {
    rules: ['NIST.800.53.R5-RDSInBackupPlan', 'HIPAA.Security-RDSInBackupPlan'],
    path: /^Database\/Cluster\/(Writer|Reader\d+)\/Resource$/,
    reason: 'Aurora instances hold no storage: AWS Backup protects the cluster, and the cluster ARN is in the continuous (point-in-time) backup plan, Backup/ContinuousPlan.',
  },
  {
    rules: ['AwsSolutions-RDS10', 'NIST.800.53.R5-RDSInstanceDeletionProtectionEnabled', 'HIPAA.Security-RDSInstanceDeletionProtectionEnabled'],
    path: /^Database\/Cluster\/Resource$/,
    reason: 'Fires in stage low only: development stacks are torn down and recreated, so the low profile turns deletion protection off (StageProfile.deletionProtection). Stage high enables it; the encryption posture shows the setting per stage.',
  },
  {
    rules: ['AwsSolutions-DOC2'],
    path: /^Mongo\/Cluster\/Resource$/,
    reason: 'Port 27017 is what MongoDB drivers expect; a non-default port is obscurity, not a control. The cluster is reachable only from the app workload subnets (security group and NACL), with TLS and credentials.',
  },
  {
    rules: ['AwsSolutions-DOC3'],
    path: /^Mongo\/Cluster\/Resource$/,
    reason: 'MasterUsername and MasterUserPassword are both {{resolve:secretsmanager:...}} dynamic references to Mongo/Cluster/Secret; the rule cannot resolve the Fn::Join around the secret Ref and reports it as non-compliant.',
  },
  {
    rules: ['AwsSolutions-DOC5[LogExport::authenticate]', 'AwsSolutions-DOC5[LogExport::createIndex]', 'AwsSolutions-DOC5[LogExport::dropCollection]'],
    path: /^Mongo\/Cluster\/Resource$/,
    reason: 'DocumentDB exports only the log types audit and profiler (both exported); authenticate, createIndex and dropCollection are audit event types, recorded in the exported audit log because audit_logs=enabled in Mongo/Parameters.',
  },
  {
    rules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
    path: /^Broker\/AdminSecret\/Resource$/,
    reason: 'Amazon MQ for RabbitMQ reads the admin user only when the broker is created, and there is no Secrets Manager rotation function for it: a new password must be set through the RabbitMQ management API, then stored here (runbook). The secret is CMK-encrypted and passed by dynamic reference.',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
    ],
    path: /^Backup\/Role\/Resource$/,
    reason: 'The AWS Backup service role policies are AWS-maintained and track the services AWS Backup supports (RDS, DocumentDB, EBS snapshot APIs); the role is assumable only by backup.amazonaws.com.',
  },
  {
    rules: ['CloudFormation-Validate::W3010'],
    path: /^(Network\/.+\/Subnet|Bastion\/Instance\/Resource|Database\/Cluster\/(Writer|Reader\d+)\/Resource)$/,
    reason:
      'Zones are named on purpose: the region catalog (lib/config/regions.ts) lists the three zones each environment spans, so synth is offline and deterministic ' +
      'for any account (BrandStack.availabilityZones) and skips zones not offered to new accounts (ap-northeast-1b, ca-central-1c).',
  },
  // PipelineStack (lib/stacks/pipeline-stack.ts): resources CDK Pipelines and CodePipeline generate.
  {
    rules: [
      'AwsSolutions-IAM5[Action::s3:GetObject*]', 'AwsSolutions-IAM5[Action::s3:GetBucket*]', 'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]', 'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*]',
    ],
    path: /^Pipeline\/(Pipeline|UpdatePipeline|Assets)\/(.+\/)?\w*Role\/DefaultPolicy\/Resource$/,
    reason:
      'CDK Pipelines grants each action role read/write of objects in the pipeline\'s own artifact bucket (<bucket>/*, s3:GetObject*/PutObject*/List*) and use of its own artifact key ' +
      '(kms:GenerateDataKey*/ReEncrypt*): the grant helpers\' action groups, scoped to that one bucket and key (and, for cross-region deploys, the support stack\'s replication bucket). ' +
      'Artifact object keys are generated per run, so no narrower resource exists.',
    findingPatterns: ['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::pipelinestack-support-*/*]'],
  },
  {
    rules: ['AwsSolutions-IAM5[Resource::*]'],
    path: /^Pipeline\/(Pipeline\/Role|UpdatePipeline\/SelfMutation\/Role|Assets\/(File|Docker)Role)\/DefaultPolicy\/Resource$/,
    reason:
      'Resource-less actions: the pipeline role\'s and asset roles\' sts:AssumeRole is limited by condition to roles tagged aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing); ' +
      'self-mutation needs cloudformation:DescribeStacks and s3:ListBucket on the bootstrap bucket it cannot name before bootstrap; ecr:GetAuthorizationToken has no resource-level permission.',
    findingPatterns: [
      'AwsSolutions-IAM5[Resource::arn:*:iam::*:role/*]',
    ],
  },
  {
    rules: [],
    path: /^Pipeline\/(Pipeline|UpdatePipeline|Assets)\/(.+\/)?\w*Role\/DefaultPolicy\/Resource$/,
    reason:
      'Every CodeBuild project role may write its own log group (/aws/codebuild/<project>:*, log streams are created per build) and its own report groups (<project>-*): ' +
      'the names embed the generated project name, so the grant is as narrow as CodeBuild allows.',
    findingPatterns: [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:*:log-group:/aws/codebuild/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:*:*:report-group/*]',
    ],
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    path: /^Pipeline\/(Pipeline|UpdatePipeline|Assets|CodeBuildActionRole)\/(.+\/)?DefaultPolicy\/Resource$/,
    reason:
      'CDK Pipelines attaches each role\'s grants as one AWS::IAM::Policy bound to that role alone, the role made for one pipeline action: a per-action least-privilege boundary that a shared managed policy would widen.',
  },
  {
    rules: ['PCI.DSS.321-CodeBuildProjectSourceRepoUrl', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl'],
    path: /^Pipeline\/(Pipeline|UpdatePipeline|Assets)\/.+\/Resource$/,
    reason:
      'The rule expects OAuth on a GitHub/Bitbucket project source. These projects\' source is the pipeline artifact (type CODEPIPELINE); the repository is read only by the source action, through the CodeStar connection, so no repository URL or credential is in any project.',
  },
  {
    rules: [
      'AwsSolutions-S1',
      'NIST.800.53.R5-S3BucketLoggingEnabled', 'PCI.DSS.321-S3BucketLoggingEnabled', 'HIPAA.Security-S3BucketLoggingEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled', 'PCI.DSS.321-S3BucketReplicationEnabled', 'HIPAA.Security-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3BucketVersioningEnabled', 'PCI.DSS.321-S3BucketVersioningEnabled', 'HIPAA.Security-S3BucketVersioningEnabled',
    ],
    path: /^(Pipeline\/Pipeline\/ArtifactsBucket|Default\/CrossRegionCodePipelineReplicationBucket)\/Resource$/,
    reason:
      'Pipeline artifact buckets (and their per-region replicas) hold only build outputs that every run re-creates from the git commit, under new keys: nothing there needs versions, a replica or recovery. ' +
      'They are KMS-encrypted with the pipeline\'s rotated key, SSL-only and block all public access, and only the pipeline\'s roles may read them.',
  },
  // --- brand network and bastion (lib/constructs/network) ---
  {
    rules: ['NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'PCI.DSS.321-VPCNoUnrestrictedRouteToIGW', 'HIPAA.Security-VPCNoUnrestrictedRouteToIGW'],
    path: /^Network\/AppVpc\/PublicSubnet\d+\/DefaultRoute$/,
    reason: 'The public subnets hold the internet-facing ingress load balancers, the bastion and the NAT gateways, which need a 0.0.0.0/0 route to the internet gateway to answer clients and carry workload egress. No other subnet (workload, database, data VPCs) has a route to an internet gateway, and security groups admit nothing from the internet except 443 on the ingress load balancer.',
  },
  {
    rules: ['AwsSolutions-EC29'],
    path: /^Bastion\/Instance\/Resource$/,
    reason: 'The bastion is stateless and is replaced by CloudFormation whenever a newer Amazon Linux image is published (the image is resolved from SSM at deploy time); termination protection would make that replacement fail. Its Elastic IP, logs and alarm survive the replacement.',
  },
  {
    rules: ['AwsSolutions-IAM5[Resource::*]'],
    path: /^Bastion\/Policy\/Resource$/,
    reason: 'Only the four ssmmessages channel actions Session Manager needs use Resource *: the ssmmessages service supports no resource-level permissions (Service Authorization Reference, Amazon Message Gateway Service).',
  },
  {
    rules: [
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*]',
    ],
    path: /^Bastion\/Policy\/Resource$/,
    reason: 'ssm:UpdateInstanceInformation (Session Manager registration) cannot name the instance: the instance depends on this role, so its ARN would be a circular reference. logs:DescribeLogGroups, which Session Manager calls to confirm the session log group is encrypted, is authorised only on log-group:*. Both are read-only or self-registration actions in this account and region; writes are scoped to the bastion\'s two log groups.',
  },
  {
    rules: ['AwsSolutions-VPC3'],
    path: /^Network\/(Mongo|Rabbit)\/Acl$/,
    reason: 'Issue 3 requires network ACLs on the data VPCs that admit only the application VPC, as a second layer beneath the security groups. The entries admit the service port from the application VPC (and 443 from the bastion for the RabbitMQ console) and return traffic to its ephemeral ports; the posture model lists them.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    path: /^Network\/(Mongo|Rabbit)\/Peering\/DnsResolution\/CustomResourcePolicy$/,
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
    path: /^AWS679f53fac002430cb0da5b7982bd2287$/,
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
    path: /^Cluster\/Cluster\/Role\/Resource$/,
    reason:
      'EKS Auto Mode requires exactly these AWS-managed policies on the cluster role (https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html); ' +
      'AWS changes them with the features Auto Mode manages (instances, EBS, load balancers, ENIs), and their resource-level conditions (eks:eks-cluster-name tags) are written by AWS. The role is assumable only by eks.amazonaws.com.',
  },
  {
    rules: [
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly]',
    ],
    path: /^Cluster\/Compute\/NodeRole\/Resource$/,
    reason:
      'The two AWS-managed policies EKS documents for Auto Mode node roles (https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html): node registration and image pulls, the narrowest AWS offers for them. The role is assumable only by ec2.amazonaws.com.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    path: /^Cluster\/Cluster\/Role\/DefaultPolicy\/Resource$/,
    reason:
      'Holds the grants on the platform key only (secrets envelope encryption, added by aws-eks-v2, and the EBS grant actions Auto Mode needs for CMK-encrypted node volumes), scoped to that key ARN; a grant attached to its one role is the least-privilege boundary a shared managed policy would not give.',
  },
  {
    rules: ['CloudFormation-Validate::W9009'],
    path: /^Cluster\/Cluster\/Resource$/,
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
    path: /^Cluster\/Cluster\/KubectlProvider$/,
    reason:
      'The kubectl provider is aws-eks-v2\'s custom-resource handler that applies manifests and Helm charts; CloudFormation invokes it synchronously during deployments only, so a DLQ or reserved concurrency has nothing to protect. ' +
      'Its roles carry the AWS Lambda basic/VPC execution and ECR read-only managed policies and an invoke permission on the handler\'s versions (ARN:*), all generated by aws-cdk-lib; its runtime is pinned by aws-cdk-lib 2.276.0 and moves with it. ' +
      'The handler runs in the private workload subnets (the cluster endpoint is private).',
  },
  {
    rules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled'],
    path: /^RuntimeSecrets\/(KeyEncryptionKey|ClientSecretPepper|AdminToken)\/Resource$/,
    reason:
      'Key material of the identity runtime, not a credential of another service: the key-encryption key seals every stored signing key and the pepper keys every client-secret hash, and the runtime has no re-wrap or re-hash path, so an automatic new value would make all stored keys and client secrets unusable. ' +
      'The admin token is read at pod start; changing it is a deliberate step (new value, then a rollout). All three are generated by Secrets Manager at deployment, encrypted with the brand platform key, and readable only by the External Secrets controller role.',
  },
  {
    rules: ['NIST.800.53.R5-IAMNoInlinePolicy', 'PCI.DSS.321-IAMNoInlinePolicy', 'HIPAA.Security-IAMNoInlinePolicy'],
    path: /^Cluster\/Secrets\/ControllerRole\/DefaultPolicy\/Resource$/,
    reason:
      'The External Secrets controller role\'s only permissions: secretsmanager:GetSecretValue on the four runtime secret ARNs and kms:Decrypt on the platform key via Secrets Manager, added by RuntimeSecrets.grantRead and bound to this one role; a managed policy would be the same document, attachable elsewhere.',
  },
];

/**
 * Applies every acknowledgement to the matching constructs under `root`. An
 * acknowledgement covers a construct's whole subtree, so a match below an
 * already-matched construct is skipped.
 */
export function applyAcknowledgements(root: IConstruct, acknowledgements: readonly Acknowledgement[] = ACKNOWLEDGEMENTS): void {
  for (const ack of acknowledgements) {
    if (!ack.reason.trim()) throw new Error(`Acknowledgement of ${ack.rules.join(', ')} has no reason`);
    const matched: string[] = [];
    for (const construct of root.node.findAll()) {
      const path = construct.node.path;
      if (matched.some((prefix) => path.startsWith(`${prefix}/`))) continue;
      const stack = Stack.of(construct);
      if (!ack.path.test(path.slice(stack.node.path.length + 1))) continue;
      matched.push(path);
      for (const id of ack.rules) Validations.of(construct).acknowledge({ id, reason: ack.reason });
      for (const pattern of ack.findingPatterns ?? []) construct.node.addMetadata(ACKNOWLEDGED_FINDING_PATTERN, pattern);
    }
  }
}

// Recorded by applyAcknowledgements, read by the compliance packs (lib/nag/compliance.ts).
const ACKNOWLEDGED_FINDING_PATTERN = 'brandstack:acknowledged-finding-pattern';

/** Whether `findingId` on `construct` is covered by a finding pattern on it or an ancestor. */
export function isAcknowledgedByPattern(construct: IConstruct, findingId: string): boolean {
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === ACKNOWLEDGED_FINDING_PATTERN && globMatches(entry.data as string, findingId)) return true;
    }
  }
  return false;
}

function globMatches(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(text);
}
