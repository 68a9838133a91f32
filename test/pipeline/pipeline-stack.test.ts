/**
 * PipelineStack as `cdk synth PipelineStack` builds it (buildApp with the
 * pipeline switched on), from a small promotion file: koala through test,
 * staging and preprod, then two regions in prod. Synthesized once.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../lib/app';
import { BrandRegistry, resolveTarget } from '../../lib/config/registry';
import { addCompliancePacks } from '../../lib/nag/compliance';
import { BrandStage } from '../../lib/pipeline/brand-stage';

const FIXTURE = path.join(__dirname, 'fixtures', 'promotion.json');

interface Action {
  Name: string;
  ActionTypeId: { Category: string; Provider: string };
  RunOrder: number;
  Configuration?: Record<string, any>;
  Region?: string;
  RoleArn?: unknown;
}

function synthesize(app: App, outdir: string): string[] {
  try {
    app.synth();
  } catch (error) {
    if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw error;
  }
  return violationPaths(outdir);
}

function violationPaths(outdir: string): string[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  return report.pluginReports.flatMap((plugin: any) =>
    plugin.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => `${v.ruleName} ${c.constructPath}`)),
  );
}

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-pipeline-'));
const app = buildApp({ outdir, context: { pipeline: 'true', brand: 'koala' }, promotionFile: FIXTURE, account: '111111111111' });
const violations = synthesize(app, outdir);
const assembly = new CloudAssembly(outdir);
const template = Template.fromJSON(assembly.getStackArtifact('PipelineStack').template);
const pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0].Properties;
const stages: Array<{ Name: string; Actions: Action[] }> = pipeline.Stages;
const stage = (name: string) => stages.find((s) => s.Name === name)!;
const byRunOrder = (actions: Action[]) => [...actions].sort((a, b) => a.RunOrder - b.RunOrder || a.Name.localeCompare(b.Name));
const projectOf = (action: Action) => template.toJSON().Resources[action.Configuration!.ProjectName.Ref].Properties;
/** The build commands of a project, with `{ Ref: 'AWS::Partition' }` read as `aws`. */
const commandsOf = (project: any): string[] => {
  const spec = project.Source.BuildSpec;
  const text = typeof spec === 'string' ? spec : spec['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : part.Ref === 'AWS::Partition' ? 'aws' : JSON.stringify(part))).join('');
  return JSON.parse(text).phases.build.commands;
};

afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

test('stages run in promotion order after source and synth: test → staging → preprod → prod', () => {
  expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'test', 'staging', 'preprod', 'prod']);
  const source = stage('Source').Actions[0];
  expect(source.ActionTypeId.Provider).toBe('CodeStarSourceConnection');
  expect(source.Configuration).toMatchObject({ FullRepositoryId: 'example-org/brandstack', BranchName: 'main' });
});

test('the synth step runs npm ci, then npm test, then cdk synth PipelineStack', () => {
  const buildSpec = JSON.parse(projectOf(stage('Build').Actions[0]).Source.BuildSpec);
  expect(buildSpec.phases.build.commands).toEqual(['npm ci', 'npm test', 'npx cdk synth PipelineStack']);
  // npm test includes the runtime's integration tests against a real PostgreSQL and RabbitMQ.
  const install: string[] = buildSpec.phases.install.commands;
  expect(install.some((c) => /apt-get install .*postgresql rabbitmq-server/.test(c))).toBe(true);
  expect(install.some((c) => c.includes('pg_ctlcluster') && c.includes('start'))).toBe(true);
  expect(install.some((c) => c.startsWith('rabbitmq-server -detached'))).toBe(true);
  // MongoDB Community on loopback, so the MongoDB contract suites run for real in the pipeline (they cannot here).
  expect(install.some((c) => /apt-get install .*mongodb-org/.test(c))).toBe(true);
  expect(install.some((c) => c.startsWith('mkdir -p /tmp/mongo && mongod --fork --bind_ip 127.0.0.1'))).toBe(true);
  // The browser tests look for /usr/bin/chromium; the Ubuntu build image has none, so one is linked there.
  expect(install.some((c) => c.startsWith('test -x /usr/bin/chromium ||') && c.includes('ln -sf /usr/bin/google-chrome /usr/bin/chromium'))).toBe(true);
  const variables = projectOf(stage('Build').Actions[0]).Environment.EnvironmentVariables;
  expect(variables).toContainEqual(expect.objectContaining({ Name: 'BRANDSTACK_TEST_PG_URL', Value: 'postgres://postgres:postgres@127.0.0.1:5432/test' }));
  expect(variables).toContainEqual(expect.objectContaining({ Name: 'BRANDSTACK_TEST_MONGO_URL', Value: 'mongodb://127.0.0.1:27017' }));
  expect(buildSpec.phases.install['runtime-versions']).toEqual({ nodejs: '20' }); // package.json engines
});

test('a manual approval sits between preprod and prod, and only there', () => {
  const approvals = stages.flatMap((s) => s.Actions.filter((a) => a.ActionTypeId.Category === 'Approval').map((a) => `${s.Name}/${a.Name}`));
  expect(approvals).toEqual(['prod/PromoteToProd']);
  const prod = byRunOrder(stage('prod').Actions);
  expect(prod[0].Name).toBe('PromoteToProd');
  expect(prod.slice(1).every((a) => a.RunOrder > prod[0].RunOrder)).toBe(true);
  expect(stages.findIndex((s) => s.Name === 'preprod')).toBe(stages.findIndex((s) => s.Name === 'prod') - 1);
});

test('prod deploys its regions in parallel, cross-account, each preceded by preflight and followed by a smoke test and posture verification', () => {
  const prod = stage('prod').Actions;
  const deploys = prod.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
  const prepares = deploys.filter((a) => a.Name.endsWith('Prepare'));
  expect(prepares.map((a) => a.Name).sort()).toEqual([
    'prod-koala-ap-southeast-2.brandstack-koala-high-ap-southeast-2.Prepare',
    'prod-koala-ap-southeast-4.brandstack-koala-high-ap-southeast-4.Prepare',
  ]);
  expect(new Set(prepares.map((a) => a.RunOrder)).size).toBe(1); // one wave: same run order
  expect(prepares.find((a) => a.Name.includes('southeast-4'))!.Region).toBe('ap-southeast-4');
  expect(JSON.stringify(deploys.map((a) => a.RoleArn))).toContain('555555555555');
  for (const region of ['ap-southeast-2', 'ap-southeast-4']) {
    const deploy = prod.find((a) => a.Name === `prod-koala-${region}.brandstack-koala-high-${region}.Deploy`)!;
    const prepare = prod.find((a) => a.Name === `prod-koala-${region}.brandstack-koala-high-${region}.Prepare`)!;
    const checks = prod.filter((a) => a.Name.startsWith(`prod-koala-${region}.`) && a.ActionTypeId.Provider === 'CodeBuild');
    expect(checks.map((a) => a.Name).sort()).toEqual([`prod-koala-${region}.Preflight`, `prod-koala-${region}.SmokeTest`, `prod-koala-${region}.VerifyPosture`]);
    const [preflight, after] = [checks.filter((a) => a.Name.endsWith('.Preflight')), checks.filter((a) => !a.Name.endsWith('.Preflight'))];
    expect(preflight.every((a) => a.RunOrder < prepare.RunOrder)).toBe(true);
    expect(after.every((a) => a.RunOrder > deploy.RunOrder)).toBe(true);
  }
});

test('every stage verifies what it deployed, through the target account\'s bootstrap lookup role', () => {
  for (const [name, account, stageName] of [['test', '222222222222', 'low'], ['staging', '333333333333', 'low'], ['preprod', '444444444444', 'high']]) {
    const verify = stage(name).Actions.find((a) => a.Name === 'VerifyPosture')!; // a one-deployment wave is named after its stage
    // The role ARN holds the partition, so the build spec is an Fn::Join: read it as text.
    const buildSpec = JSON.stringify(projectOf(verify).Source.BuildSpec);
    expect(buildSpec).toMatch(new RegExp(`aws configure set profile\\.target\\.role_arn arn:.*:iam::${account}:role/cdk-hnb659fds-lookup-role-${account}-ap-southeast-2`));
    expect(buildSpec).toContain(`AWS_PROFILE=target npx brandstack verify --brand koala --stage ${stageName} --region ap-southeast-2`);
  }
  expect(JSON.stringify(template.toJSON())).toContain('cdk-hnb659fds-lookup-role-555555555555-ap-southeast-4');
});

test('every stage runs brandstack preflight against its target account before it deploys, through the bootstrap lookup role', () => {
  for (const [name, account, stageName] of [['test', '222222222222', 'low'], ['staging', '333333333333', 'low'], ['preprod', '444444444444', 'high']]) {
    const actions = stage(name).Actions;
    const preflight = actions.find((a) => a.Name === 'Preflight')!;
    const firstDeploy = Math.min(...actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation').map((a) => a.RunOrder));
    expect(preflight.RunOrder).toBeLessThan(firstDeploy);
    const buildSpec = JSON.stringify(projectOf(preflight).Source.BuildSpec);
    expect(buildSpec).toMatch(new RegExp(`aws configure set profile\\.target\\.role_arn arn:.*:iam::${account}:role/cdk-hnb659fds-lookup-role-${account}-ap-southeast-2`));
    expect(buildSpec).toContain(`AWS_PROFILE=target npx brandstack preflight --brand koala --stage ${stageName} --region ap-southeast-2 --environment ${name}`);
  }
});

test('the smoke test asks each deployment\'s own hostname, with credentials read in the target account through the stack\'s smoke reader role', () => {
  for (const region of ['ap-southeast-2', 'ap-southeast-4']) {
    const smoke = stage('prod').Actions.find((a) => a.Name === `prod-koala-${region}.SmokeTest`)!;
    const project = projectOf(smoke);
    // No secret, and no reference to one, in the project: only the secret's ARN, from the stack's output.
    expect(JSON.stringify(project.Environment.EnvironmentVariables ?? [])).not.toContain('SECRETS_MANAGER');
    const actionEnv = JSON.parse(smoke.Configuration!.EnvironmentVariables);
    expect(actionEnv).toContainEqual({ name: 'SMOKE_SECRET_ARN', type: 'PLAINTEXT', value: expect.stringMatching(/^#\{[^}]+\.SmokeClientSecretArn[A-Za-z0-9]*\}$/) });
    const roleArn = `:iam::555555555555:role/brandstack/smoke-koala-high-${region}`;
    expect(commandsOf(project)).toEqual([
      'npm ci --omit=dev --no-audit --no-fund',
      `aws configure set profile.smoke.role_arn arn:aws${roleArn}`,
      'aws configure set profile.smoke.credential_source EcsContainer',
      `AWS_PROFILE=smoke npx brandstack smoke --brand koala --environment prod --region ${region} --tenant koala-mobile --issuer-base https://id.koala.example.net --secret-id "$SMOKE_SECRET_ARN"`,
    ]);
    // The project's role may assume that role, and only that one.
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p: any) =>
      p.Properties.Roles.some((r: any) => JSON.stringify(project.ServiceRole).includes(r.Ref)),
    );
    const assumes = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement).filter((st: any) => [st.Action].flat().includes('sts:AssumeRole'));
    expect(assumes).toHaveLength(1);
    expect(JSON.stringify(assumes[0].Resource)).toContain(roleArn);
  }
});

test('each staged BrandStack creates the smoke reader role for the pipeline account alone, allowed to read only the smoke client secret', () => {
  const staged = assembly.getNestedAssembly('assembly-prod-koala-ap-southeast-4').stacks.find((s) => s.stackName === 'brandstack-koala-high-ap-southeast-4')!;
  const brandStack = Template.fromJSON(staged.template);
  const roles = brandStack.findResources('AWS::IAM::Role', { Properties: { Path: '/brandstack/' } });
  expect(Object.values(roles).map((r: any) => r.Properties.RoleName)).toEqual(['smoke-koala-high-ap-southeast-4']);
  const [[roleId, role]] = Object.entries(roles) as [string, any][];
  expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
    { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } } },
  ]);
  const policies = [...Object.values(brandStack.findResources('AWS::IAM::Policy')), ...Object.values(brandStack.findResources('AWS::IAM::ManagedPolicy'))].filter((p: any) =>
    (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId),
  );
  const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const secrets = Object.keys(brandStack.findResources('AWS::SecretsManager::Secret')).filter((id) => id.startsWith('SmokeClientSecret'));
  expect(secrets).toHaveLength(1);
  expect(statements).toEqual([
    { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secrets[0] } },
    {
      Action: 'kms:Decrypt',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^KeysPlatformKey/), 'Arn'] },
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.ap-southeast-4.amazonaws.com' } },
    },
  ]);
});

test('the source action may use the connection under both service prefixes, each on the ARN with its own prefix', () => {
  const source = stage('Source').Actions[0];
  const roleId = (source.RoleArn as any)['Fn::GetAtt'][0];
  const statements = Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p: any) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
    .filter((st: any) => [st.Action].flat().some((a: string) => a.endsWith(':UseConnection')));
  const id = 'eu-central-1:111111111111:connection/00000000-0000-4000-8000-000000000000';
  expect(statements).toEqual(
    expect.arrayContaining([
      { Action: 'codestar-connections:UseConnection', Effect: 'Allow', Resource: `arn:aws:codestar-connections:${id}` },
      { Action: 'codeconnections:UseConnection', Effect: 'Allow', Resource: `arn:aws:codeconnections:${id}` },
    ]),
  );
});

test('artifacts are encrypted with a rotated KMS key that the stage accounts can use', () => {
  template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  expect(pipeline.ArtifactStores ?? [pipeline.ArtifactStore]).toEqual(
    expect.arrayContaining([expect.objectContaining({ ArtifactStore: expect.objectContaining({ EncryptionKey: expect.objectContaining({ Type: 'KMS' }) }) })]),
  );
});

test('each staged BrandStack is checked by its own Stage\'s packs, once, and is clean', () => {
  const staged = violations.filter((v) => / (test|staging|preprod|prod)[-/]/.test(v));
  expect(staged).toEqual([]);
  expect(violations.length).toBe(new Set(violations).size); // no stack reported twice
});

test('the pipeline stack and its cross-region support stacks have no unacknowledged finding', () => {
  expect(violations.filter((v) => / (PipelineStack\/Pipeline|cross-region-stack-)/.test(v))).toEqual([]);
  // The pipeline lives in ap-southeast-2; only ap-southeast-4 needs a replication bucket.
  const support = assembly.stacks.filter((s) => s.stackName.startsWith('PipelineStack-support-'));
  expect(support.map((s) => s.environment.region)).toEqual(['ap-southeast-4']);
  // Its named replication bucket is kept on update and delete, yet removed when its first create rolls back.
  const buckets = Object.values(Template.fromJSON(support[0].template).findResources('AWS::S3::Bucket')) as any[];
  expect(buckets.map((b) => [b.DeletionPolicy, b.UpdateReplacePolicy])).toEqual([['RetainExceptOnCreate', 'Retain']]);
});

test('a non-compliant stack inside a BrandStage fails validation there, though the App packs cannot see it', () => {
  const rogueOut = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-stage-'));
  const rogueApp = new App({ outdir: rogueOut });
  addCompliancePacks(rogueApp);
  const target = resolveTarget(BrandRegistry.load(), { brand: 'koala', stage: 'low' });
  const brandStage = new BrandStage(rogueApp, 'test-koala-ap-southeast-2', { target, account: '222222222222' });
  new s3.Bucket(new Stack(brandStage, 'Rogue'), 'Open', { enforceSSL: false });
  expect(() => rogueApp.synth()).toThrow(/AwsSolutions-S1/);
  const found = violationPaths(rogueOut);
  fs.rmSync(rogueOut, { recursive: true, force: true });
  expect(found).toContain('AwsSolutions-S1 test-koala-ap-southeast-2/Rogue/Open/Resource');
  expect(found).toContain('AwsSolutions-S10 test-koala-ap-southeast-2/Rogue/Open/Resource');
});
