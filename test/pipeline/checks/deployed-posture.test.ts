/**
 * `brandstack verify` against mocked CloudFormation, KMS and RDS: the passing
 * case, each violation, and the failures that mean nothing could be checked.
 * The Aurora cluster is found through the stack's resources (its identifier is
 * generated), keys by alias and then matched to the stack's keys.
 */
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { DescribeKeyCommand, GetKeyRotationStatusCommand, KMSClient, type KeyMetadata } from '@aws-sdk/client-kms';
import { DBClusterNotFoundFault, DescribeDBClustersCommand, RDSClient, type DBCluster } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { main } from '../../../lib/pipeline/checks/cli';
import { brandStackName, keyAlias } from '../../../lib/config/naming';
import { synthTarget } from '../../helpers/synth';
import { BrandRegistry, resolveTarget } from '../../../lib/config/registry';

const cloudformation = mockClient(CloudFormationClient);
const kms = mockClient(KMSClient);
const rds = mockClient(RDSClient);
const CLUSTER_ID = 'brandstack-acme-high-eu-central-1-databasecluster5b53a178-a1b2c3d4e5f6';
const ACME_ALIASES = ['platform', 'acme-retail', 'acme-wholesale', 'globex'].map((name) => `alias/brandstack/acme/${name}`);
const arnOf = (alias: string) => `arn:aws:kms:eu-central-1:111111111111:key/${alias.split('/').pop()}-key`;

function healthyKey(alias: string): KeyMetadata {
  return { KeyId: `${alias.split('/').pop()}-key`, Arn: arnOf(alias), KeyState: 'Enabled', KeySpec: 'SYMMETRIC_DEFAULT' };
}
const healthyCluster: DBCluster = {
  DBClusterIdentifier: CLUSTER_ID,
  StorageEncrypted: true,
  KmsKeyId: arnOf('alias/brandstack/acme/platform'),
  IAMDatabaseAuthenticationEnabled: true,
  DeletionProtection: true,
};

const summary = (LogicalResourceId: string, ResourceType: string, PhysicalResourceId: string): StackResourceSummary => ({
  LogicalResourceId,
  ResourceType,
  PhysicalResourceId,
  ResourceStatus: 'CREATE_COMPLETE',
  LastUpdatedTimestamp: new Date(0),
});

/** The stack's resources: its keys (one page) and its Aurora cluster (a second page), unless `resources` replaces the cluster page. */
function deployStack(stackName: string, clusterPage: StackResourceSummary[] = [summary('DatabaseCluster5B53A178', 'AWS::RDS::DBCluster', CLUSTER_ID)]) {
  cloudformation.reset();
  const keys = ACME_ALIASES.map((alias) => summary(`Keys${alias.split('/').pop()}`, 'AWS::KMS::Key', `${alias.split('/').pop()}-key`));
  cloudformation.on(ListStackResourcesCommand, { StackName: stackName, NextToken: undefined }).resolves({ StackResourceSummaries: keys, NextToken: 'page-2' });
  cloudformation.on(ListStackResourcesCommand, { StackName: stackName, NextToken: 'page-2' }).resolves({ StackResourceSummaries: clusterPage });
}

/** A healthy account, with one thing changed by `override`. */
function deployAccount(
  override: { key?: [string, Partial<KeyMetadata> | 'missing']; rotationOff?: string; cluster?: Partial<DBCluster> | 'missing'; clusterPage?: StackResourceSummary[]; stack?: 'missing' } = {},
) {
  kms.reset();
  rds.reset();
  deployStack('brandstack-acme-high-eu-central-1', override.clusterPage);
  if (override.stack === 'missing') {
    cloudformation.reset();
    cloudformation.on(ListStackResourcesCommand).rejects(Object.assign(new Error('Stack with id brandstack-acme-high-eu-central-1 does not exist'), { name: 'ValidationError' }));
  }
  for (const alias of ACME_ALIASES) {
    const [overriddenAlias, change] = override.key ?? [];
    if (alias === overriddenAlias && change === 'missing') {
      kms.on(DescribeKeyCommand, { KeyId: alias }).rejects(Object.assign(new Error(`Alias ${alias} is not found.`), { name: 'NotFoundException' }));
      continue;
    }
    const metadata = { ...healthyKey(alias), ...(alias === overriddenAlias ? (change as Partial<KeyMetadata>) : {}) };
    kms.on(DescribeKeyCommand, { KeyId: alias }).resolves({ KeyMetadata: metadata });
    kms.on(GetKeyRotationStatusCommand, { KeyId: metadata.KeyId }).resolves({ KeyRotationEnabled: alias !== override.rotationOff });
  }
  if (override.cluster === 'missing') {
    rds.on(DescribeDBClustersCommand).rejects(new DBClusterNotFoundFault({ message: `DBCluster ${CLUSTER_ID} not found.`, $metadata: {} }));
  } else {
    rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER_ID }).resolves({ DBClusters: [{ ...healthyCluster, ...override.cluster }] });
  }
}

async function runVerify(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['verify', ...args], {
    out: (text) => (out += text),
    err: (text) => (err += text),
    env: {},
    clients: () => ({ cloudformation: new CloudFormationClient({ region: 'eu-central-1' }), kms: new KMSClient({ region: 'eu-central-1' }), rds: new RDSClient({ region: 'eu-central-1' }) }),
  });
  return { code, out, err, violations: out.split('\n').filter((line) => line.startsWith('VIOLATED')) };
}

const ACME_HIGH = ['--brand', 'acme', '--stage', 'high', '--region', 'eu-central-1'];

test('a deployment that keeps every promise: one held line per expectation, exit 0', async () => {
  deployAccount();
  const { code, out, violations } = await runVerify(ACME_HIGH);
  expect(violations).toEqual([]);
  expect(code).toBe(0);
  expect(out).toContain('held      stack brandstack-acme-high-eu-central-1 exists');
  expect(out).toContain('held      key alias/brandstack/acme/globex is a key of stack brandstack-acme-high-eu-central-1');
  expect(out).toContain('held      key alias/brandstack/acme/globex has rotation on');
  expect(out).toContain('held      Aurora cluster of brandstack-acme-high-eu-central-1 exists');
  expect(out).toContain(`held      Aurora cluster ${CLUSTER_ID} is encrypted with alias/brandstack/acme/platform (arn:aws:kms:eu-central-1:111111111111:key/platform-key)`);
  expect(out).toContain(`held      Aurora cluster ${CLUSTER_ID} has deletion protection (stage high)`);
  // the stack + 4 keys × 5 expectations + 5 for the cluster
  expect(out).toContain('all 26 expectations held');
  // Both pages of the stack's resources were read.
  expect(cloudformation.commandCalls(ListStackResourcesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
});

const AURORA = `Aurora cluster ${CLUSTER_ID}`;

test.each([
  ['a missing customer key', { key: ['alias/brandstack/acme/globex', 'missing'] }, 'VIOLATED  key alias/brandstack/acme/globex exists (actual: no such alias)'],
  ['a disabled key', { key: ['alias/brandstack/acme/acme-retail', { KeyState: 'Disabled' }] }, 'VIOLATED  key alias/brandstack/acme/acme-retail is Enabled (actual: Disabled)'],
  ['a key pending deletion', { key: ['alias/brandstack/acme/globex', { KeyState: 'PendingDeletion' }] }, 'VIOLATED  key alias/brandstack/acme/globex is Enabled (actual: PendingDeletion)'],
  ['an asymmetric key', { key: ['alias/brandstack/acme/acme-wholesale', { KeySpec: 'RSA_2048' }] }, 'VIOLATED  key alias/brandstack/acme/acme-wholesale is SYMMETRIC_DEFAULT (actual: RSA_2048)'],
  ['rotation turned off', { rotationOff: 'alias/brandstack/acme/globex' }, 'VIOLATED  key alias/brandstack/acme/globex has rotation on (actual: false)'],
  [
    'an alias moved to a key the stack did not create',
    { key: ['alias/brandstack/acme/globex', { KeyId: 'elsewhere-key' }] },
    'VIOLATED  key alias/brandstack/acme/globex is a key of stack brandstack-acme-high-eu-central-1 (actual: elsewhere-key)',
  ],
  ['a cluster in the stack that RDS does not know', { cluster: 'missing' }, `VIOLATED  Aurora cluster of brandstack-acme-high-eu-central-1 exists (actual: ${CLUSTER_ID}: no such cluster)`],
  ['no Aurora cluster in the stack', { clusterPage: [] }, 'VIOLATED  Aurora cluster of brandstack-acme-high-eu-central-1 exists (actual: no AWS::RDS::DBCluster in the stack)'],
  [
    'an Aurora cluster whose create failed (no physical resource)',
    { clusterPage: [{ LogicalResourceId: 'DatabaseCluster5B53A178', ResourceType: 'AWS::RDS::DBCluster', ResourceStatus: 'CREATE_FAILED', LastUpdatedTimestamp: new Date(0) }] },
    'VIOLATED  Aurora cluster of brandstack-acme-high-eu-central-1 exists (actual: no AWS::RDS::DBCluster in the stack)',
  ],
  [
    'an unencrypted cluster',
    { cluster: { StorageEncrypted: false, KmsKeyId: undefined } },
    [
      `VIOLATED  ${AURORA} is StorageEncrypted (actual: false)`,
      `VIOLATED  ${AURORA} is encrypted with alias/brandstack/acme/platform (arn:aws:kms:eu-central-1:111111111111:key/platform-key) (actual: no key)`,
    ],
  ],
  [
    'a cluster encrypted with another key',
    { cluster: { KmsKeyId: 'arn:aws:kms:eu-central-1:111111111111:key/aws-rds' } },
    `VIOLATED  ${AURORA} is encrypted with alias/brandstack/acme/platform (arn:aws:kms:eu-central-1:111111111111:key/platform-key) (actual: arn:aws:kms:eu-central-1:111111111111:key/aws-rds)`,
  ],
  ['IAM auth off', { cluster: { IAMDatabaseAuthenticationEnabled: false } }, `VIOLATED  ${AURORA} has IAM database authentication (actual: false)`],
  ['deletion protection off in high', { cluster: { DeletionProtection: false } }, `VIOLATED  ${AURORA} has deletion protection (stage high) (actual: false)`],
] as const)('%s is reported as VIOLATED with the actual value, exit 1', async (_name, override, line) => {
  deployAccount(override as Parameters<typeof deployAccount>[0]);
  const { code, violations } = await runVerify(ACME_HIGH);
  expect(violations).toEqual(typeof line === 'string' ? [line] : line);
  expect(code).toBe(1);
});

test('no stack: one violation for the stack, the keys still checked by alias, no cluster lookup', async () => {
  deployAccount({ stack: 'missing' });
  const { code, out, violations } = await runVerify(ACME_HIGH);
  expect(violations).toEqual(['VIOLATED  stack brandstack-acme-high-eu-central-1 exists (actual: no such stack)']);
  expect(out).toContain('held      key alias/brandstack/acme/platform has rotation on');
  expect(out).not.toContain('is a key of stack');
  expect(rds.calls()).toHaveLength(0);
  expect(code).toBe(1);
});

test('deletion protection is not expected in low', async () => {
  kms.reset();
  rds.reset();
  deployStack('brandstack-acme-low-eu-central-1');
  for (const alias of ACME_ALIASES) {
    kms.on(DescribeKeyCommand, { KeyId: alias }).resolves({ KeyMetadata: healthyKey(alias) });
    kms.on(GetKeyRotationStatusCommand).resolves({ KeyRotationEnabled: true });
  }
  rds.on(DescribeDBClustersCommand, { DBClusterIdentifier: CLUSTER_ID }).resolves({ DBClusters: [{ ...healthyCluster, DeletionProtection: false }] });
  const { code, out } = await runVerify(['--brand', 'acme', '--stage', 'low', '--region', 'eu-central-1']);
  expect(out).not.toContain('deletion protection');
  expect(code).toBe(0);
});

test('an account that refuses the calls: one sentence, exit 2, no report', async () => {
  cloudformation.reset();
  cloudformation.on(ListStackResourcesCommand).rejects(Object.assign(new Error('User is not authorized to perform: cloudformation:ListStackResources'), { name: 'AccessDenied' }));
  const { code, out, err } = await runVerify(ACME_HIGH);
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err).toBe('brandstack: The credentials may not call cloudformation:ListStackResources in eu-central-1 (AccessDenied); use a role with read access such as the bootstrap lookup role.\n');
});

test('an account that refuses KMS after CloudFormation answered: one sentence, exit 2', async () => {
  deployAccount();
  kms.reset();
  kms.on(DescribeKeyCommand).rejects(Object.assign(new Error('User is not authorized to perform: kms:DescribeKey'), { name: 'AccessDeniedException' }));
  const { code, out, err } = await runVerify(ACME_HIGH);
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err).toBe('brandstack: The credentials may not call kms:DescribeKey in eu-central-1 (AccessDeniedException); use a role with read access such as the bootstrap lookup role.\n');
});

test.each([
  [[], '--brand is required; known brands: acme, koala'],
  [['--brand', 'initech', '--stage', 'low', '--region', 'eu-central-1'], "--brand: unknown brand 'initech'; known brands: acme, koala"],
  [['--brand', 'acme', '--region', 'eu-central-1'], '--stage is required; allowed: low, high'],
  [['--brand', 'acme', '--stage', 'prod', '--region', 'eu-central-1'], "--stage 'prod' is not a stage; allowed: low, high"],
  [['--brand', 'acme', '--stage', 'low'], "--region is required; allowed regions for 'acme': eu-central-1, eu-west-1"],
  [['--brand', 'koala', '--stage', 'low', '--region', 'eu-west-1'], "--region 'eu-west-1' is not allowed for brand 'koala' (data residency); allowed regions for 'koala': ap-southeast-2, ap-southeast-4"],
  [['--brand', 'acme', '--stage', 'low', '--region', 'cn-north-1'], "--region 'cn-north-1' is not in the region catalog; allowed regions for 'acme': eu-central-1, eu-west-1"],
  [['--brand', 'acme', '--stage'], '--stage needs a value'],
  [['--brand', 'acme', '--colour', 'red'], "unknown argument '--colour'; flags: --brand, --stage, --region"],
])('bad flags %j: exit 2 naming the flag and the allowed values', async (args, message) => {
  kms.reset();
  cloudformation.reset();
  const { code, out, err } = await runVerify(args as string[]);
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err.split('\n')[0]).toBe(`brandstack: ${message}`);
  expect([...cloudformation.calls(), ...kms.calls()]).toHaveLength(0);
});

test('verify expects what BrandStack deploys: the stack name, one Aurora cluster it names itself, and the platform key behind its alias', () => {
  const target = resolveTarget(BrandRegistry.load(), { brand: 'koala', stage: 'high' });
  const { artifact, json } = synthTarget({ brand: 'koala', stage: 'high' });
  expect(artifact.stackName).toBe(brandStackName(target));
  const resources = Object.values(json.Resources) as Array<{ Type: string; Properties: Record<string, any> }>;
  const alias = resources.find((r) => r.Type === 'AWS::KMS::Alias' && r.Properties.AliasName === keyAlias('koala', 'platform'))!;
  const clusters = resources.filter((r) => r.Type === 'AWS::RDS::DBCluster');
  expect(clusters).toHaveLength(1);
  // No fixed identifier: CloudFormation generates it, and verify reads it from the stack.
  expect(clusters[0].Properties.DBClusterIdentifier).toBeUndefined();
  expect(clusters[0].Properties.KmsKeyId).toEqual(alias.Properties.TargetKeyId);
  expect(clusters[0].Properties).toMatchObject({ StorageEncrypted: true, EnableIAMDatabaseAuthentication: true, DeletionProtection: true });
});

describe('the installed bin, run for real without AWS', () => {
  const ROOT = path.join(__dirname, '..', '..', '..');
  const bare = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent-home',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['bin/brandstack-cli.js', 'verify', ...ACME_HIGH], { cwd: ROOT, encoding: 'utf8', env, timeout: 60000 });

  test('no credentials: one sentence, exit 2, no stack trace', () => {
    const result = run(bare);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('brandstack: No AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was verified.\n');
  });

  test('AWS unreachable (nothing listens on the endpoint): one sentence, exit 2', () => {
    const result = run({ ...bare, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('brandstack: AWS could not be reached for cloudformation:ListStackResources in eu-central-1 (ECONNREFUSED); check the network, then retry.\n');
  });
});
