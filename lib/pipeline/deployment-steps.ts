/**
 * The checks that run after each BrandStack deployment, as pipeline steps:
 * a smoke test of the identity runtime and `brandstack verify` of the deployed
 * posture. Both run from the source checkout with the brandstack CLI.
 */
import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CodeBuildStep, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import type { Deployment } from './promotion';

/** Installs only the runtime dependencies: the CLI runs on tsx, which is one of them. */
const INSTALL = 'npm ci --omit=dev --no-audit --no-fund';

/**
 * The read-only role `cdk bootstrap --trust <pipeline account>` creates in every
 * target account and region. It carries ReadOnlyAccess (which includes
 * kms:DescribeKey, kms:GetKeyRotationStatus and rds:DescribeDBClusters) and
 * denies kms:Decrypt, which is all `brandstack verify` needs.
 */
export function lookupRoleArn(stack: Stack, account: string, region: string): string {
  const name = `cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-lookup-role-${account}-${region}`;
  return `arn:${stack.partition}:iam::${account}:role/${name}`;
}

/**
 * Discovery, then a client_credentials token verified against the JWKS, for the
 * deployment's smoke tenant. The client's credentials come from Secrets
 * Manager into the build environment; they never appear in the template.
 */
export function smokeTestStep(id: string, input: IFileSetProducer, deployment: Deployment): CodeBuildStep {
  const { target, smoke } = deployment;
  const secretValue = (key: string): codebuild.BuildEnvironmentVariable => ({
    type: codebuild.BuildEnvironmentVariableType.SECRETS_MANAGER,
    value: `${smoke.clientSecret}:${key}`,
  });
  return new CodeBuildStep(id, {
    input,
    buildEnvironment: {
      environmentVariables: { SMOKE_CLIENT_ID: secretValue('client_id'), SMOKE_CLIENT_SECRET: secretValue('client_secret') },
    },
    commands: [INSTALL, `npx brandstack smoke --brand ${target.brand.id} --tenant ${smoke.tenant}`],
  });
}

/** `brandstack verify` against the deployed account, through the target's bootstrap lookup role. */
export function postureVerificationStep(id: string, input: IFileSetProducer, deployment: Deployment, stack: Stack): CodeBuildStep {
  const { target, account } = deployment;
  const roleArn = lookupRoleArn(stack, account, target.region.code);
  return new CodeBuildStep(id, {
    input,
    rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roleArn] })],
    commands: [
      INSTALL,
      // The SDK assumes the role itself: credential_source takes the CodeBuild
      // project's own (container) credentials as the source identity.
      `aws configure set profile.target.role_arn ${roleArn}`,
      'aws configure set profile.target.credential_source EcsContainer',
      `AWS_PROFILE=target npx brandstack verify --brand ${target.brand.id} --stage ${target.stage.name} --region ${target.region.code}`,
    ],
  });
}
