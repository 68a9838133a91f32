/**
 * The checks around each BrandStack deployment, as pipeline steps: `brandstack
 * preflight` of the target account before it, a smoke test of the identity runtime
 * and `brandstack verify` of the deployed posture after it. All run from the source
 * checkout with the brandstack CLI, each with a role in the target account.
 */
import { DefaultStackSynthesizer, Stack, type CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CodeBuildStep, type IFileSetProducer } from 'aws-cdk-lib/pipelines';
import { SMOKE_READER_ROLE_PATH, smokeReaderRoleName } from '../constructs/cluster/smoke-client';
import { issuerHost } from '../config/naming';
import type { BrandTarget } from '../config/registry';
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

/** The role BrandStack's SmokeClient creates for the pipeline account (lib/constructs/cluster/smoke-client.ts). */
export function smokeReaderRoleArn(stack: Stack, account: string, target: BrandTarget): string {
  return `arn:${stack.partition}:iam::${account}:role${SMOKE_READER_ROLE_PATH}${smokeReaderRoleName(target)}`;
}

/**
 * The runtime's ISSUER_BASE_URL as BrandStack deploys it (`issuerHost` in lib/config/naming.ts).
 * The smoke test expects this issuer while it connects to the deployment's own hostname.
 */
export function deployedIssuerBase(target: BrandTarget): string {
  return `https://${issuerHost(target)}`;
}

/**
 * A step that runs one brandstack CLI command as `roleArn` in the target account. The SDK
 * assumes the role itself: `credential_source` takes the CodeBuild project's own (container)
 * credentials as the source identity, and the project may assume only that role.
 */
function cliStepAs(id: string, input: IFileSetProducer, roleArn: string, profile: string, command: string, envFromCfnOutputs?: Record<string, CfnOutput>): CodeBuildStep {
  return new CodeBuildStep(id, {
    input,
    envFromCfnOutputs,
    rolePolicyStatements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [roleArn] })],
    commands: [
      INSTALL,
      `aws configure set profile.${profile}.role_arn ${roleArn}`,
      `aws configure set profile.${profile}.credential_source EcsContainer`,
      `AWS_PROFILE=${profile} npx brandstack ${command}`,
    ],
  });
}

/**
 * Discovery, then a client_credentials token verified against the JWKS, for the deployment's
 * smoke tenant, at the deployment's own hostname (`<region>.<environment>.<domain>`). The
 * client's credentials stay in the target account: BrandStack generates them in Secrets Manager
 * and the runtime provisions the client at start; this step assumes the stack's smoke reader
 * role (which may read that one secret and nothing else) and `brandstack smoke` reads the secret
 * whose ARN the stack outputs. They never appear in the template or the build environment.
 */
export function smokeTestStep(id: string, input: IFileSetProducer, deployment: Deployment, stack: Stack, smokeSecretArn: CfnOutput): CodeBuildStep {
  const { target, account, smoke } = deployment;
  const command =
    `smoke --brand ${target.brand.id} --environment ${target.environment} --region ${target.region.code} ` +
    `--tenant ${smoke.tenant} --issuer-base ${deployedIssuerBase(target)} --secret-id "$SMOKE_SECRET_ARN"`;
  return cliStepAs(id, input, smokeReaderRoleArn(stack, account, target), 'smoke', command, { SMOKE_SECRET_ARN: smokeSecretArn });
}

/**
 * `brandstack preflight` of the target account before the deploy: bootstrap version, quotas,
 * hosted zone or certificate, operator roles, regional services (lib/preflight/). Read-only, so
 * the target's bootstrap lookup role serves, as for `brandstack verify`.
 */
export function preflightStep(id: string, input: IFileSetProducer, deployment: Deployment, stack: Stack): CodeBuildStep {
  const { target, account } = deployment;
  const command = `preflight --brand ${target.brand.id} --stage ${target.stage.name} --region ${target.region.code} --environment ${target.environment}`;
  return cliStepAs(id, input, lookupRoleArn(stack, account, target.region.code), 'target', command);
}

/** `brandstack verify` against the deployed account, through the target's bootstrap lookup role. */
export function postureVerificationStep(id: string, input: IFileSetProducer, deployment: Deployment, stack: Stack): CodeBuildStep {
  const { target, account } = deployment;
  const command = `verify --brand ${target.brand.id} --stage ${target.stage.name} --region ${target.region.code}`;
  return cliStepAs(id, input, lookupRoleArn(stack, account, target.region.code), 'target', command);
}
