/**
 * Every acknowledged compliance finding of PipelineStack and its cross-region
 * support stacks, with its reason: resources CDK Pipelines and CodePipeline
 * generate (lib/pipeline/pipeline-stack.ts).
 */
import * as pipelines from 'aws-cdk-lib/pipelines';
import type { Acknowledgement } from '../acknowledgement';

export const PIPELINE_ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [
  {
    rules: [
      'AwsSolutions-IAM5[Action::s3:GetObject*]', 'AwsSolutions-IAM5[Action::s3:GetBucket*]', 'AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]', 'AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Resource::<PipelineArtifactsBucketAEA9A052.Arn>/*]',
    ],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: pipelines.CodePipeline },
    reason:
      'CDK Pipelines grants each action role read/write of objects in the pipeline\'s own artifact bucket (<bucket>/*, s3:GetObject*/PutObject*/List*) and use of its own artifact key ' +
      '(kms:GenerateDataKey*/ReEncrypt*): the grant helpers\' action groups, scoped to that one bucket and key (and, for cross-region deploys, the support stack\'s replication bucket). ' +
      'Artifact object keys are generated per run, so no narrower resource exists.',
    findingPatterns: ['AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::pipelinestack-support-*/*]'],
  },
  {
    rules: ['AwsSolutions-IAM5[Resource::*]'],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: pipelines.CodePipeline, where: (p) => JSON.stringify(p.PolicyDocument).includes('"Resource":"*"') },
    reason:
      'Resource-less actions: the pipeline role\'s and asset roles\' sts:AssumeRole is limited by condition to roles tagged aws-cdk:bootstrap-role (deploy, file-publishing, image-publishing); ' +
      'self-mutation needs cloudformation:DescribeStacks and s3:ListBucket on the bootstrap bucket it cannot name before bootstrap; ecr:GetAuthorizationToken has no resource-level permission.',
    findingPatterns: [
      'AwsSolutions-IAM5[Resource::arn:*:iam::*:role/*]',
    ],
  },
  {
    rules: [],
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: pipelines.CodePipeline },
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
    appliesTo: { resourceType: 'AWS::IAM::Policy', within: pipelines.CodePipeline },
    reason:
      'CDK Pipelines attaches each role\'s grants as one AWS::IAM::Policy bound to that role alone, the role made for one pipeline action: a per-action least-privilege boundary that a shared managed policy would widen.',
  },
  {
    rules: ['PCI.DSS.321-CodeBuildProjectSourceRepoUrl', 'HIPAA.Security-CodeBuildProjectSourceRepoUrl'],
    appliesTo: { resourceType: 'AWS::CodeBuild::Project', where: (p) => p.Source?.Type === 'CODEPIPELINE' },
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
    appliesTo: { resourceType: 'AWS::S3::Bucket' },
    reason:
      'Pipeline artifact buckets (and their per-region replicas) hold only build outputs that every run re-creates from the git commit, under new keys: nothing there needs versions, a replica or recovery. ' +
      'They are KMS-encrypted with the pipeline\'s rotated key, SSL-only and block all public access, and only the pipeline\'s roles may read them.',
  },
];
