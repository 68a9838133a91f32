/**
 * `brandstack preflight` through the CLI: the printed lines, the exit codes
 * (0 every check holds, 1 one FAILS, 2 bad flags or nothing could be checked),
 * and the installed bin run for real without AWS.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { main, type CliIo } from '../../lib/pipeline/checks/cli';
import { ACCOUNT, FOOTPRINT, awsError, healthyAccount, mocks } from './fixtures';

const ACME_HIGH = ['--brand', 'acme', '--stage', 'high', '--region', 'eu-central-1', '--environment', 'prod'];

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), env: {}, preflightFootprint: () => FOOTPRINT };
  const code = await main(['preflight', ...args], io);
  return { code, out, err };
}

beforeEach(healthyAccount);

test('a ready account: one line per check with the numbers compared, exit 0', async () => {
  const { code, out, err } = await run(ACME_HIGH);
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out.split('\n')).toEqual([
    `brandstack preflight: acme, stage high, eu-central-1, environment prod, account ${ACCOUNT}`,
    'holds  CDK bootstrap version (/cdk-bootstrap/hnb659fds/version): 27 >= 6 required',
    'holds  VPCs per Region (L-F678F1CE): 1 in use + 3 needed = 4 <= quota 5',
    'holds  EC2-VPC Elastic IPs (L-0263D0A3): 0 in use + 4 needed = 4 <= quota 5',
    'holds  NAT gateways per Availability Zone (L-FE5A380F): eu-central-1a: 0 in use + 1 needed = 1 <= quota 5; eu-central-1b: 0 in use + 1 needed = 1 <= quota 5; eu-central-1c: 0 in use + 1 needed = 1 <= quota 5',
    'holds  Hosted zone Z0ACMEEXAMPLE40000000 (acme.example.com): public zone named acme.example.com; expected a public zone named acme.example.com',
    `holds  Operator roles (brand operators): 1 of 1 role(s) in account ${ACCOUNT} exist; 3 in other accounts not checked from here`,
    'holds  Services offered in eu-central-1: all offered (the documented table, 1 instance type(s), 1 Aurora instance class(es), ACM)',
    'all 7 checks hold',
    '',
  ]);
});

test('one failing check: its FAILS line, the summary, exit 1', async () => {
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: ['a', 'b', 'c'].map((id) => ({ VpcId: `vpc-${id}` })) });
  const { code, out } = await run(ACME_HIGH);
  expect(code).toBe(1);
  expect(out).toContain('FAILS  VPCs per Region (L-F678F1CE): 3 in use + 3 needed = 6 > quota 5\n');
  expect(out).toMatch(/\n1 of 7 checks FAIL\n$/);
});

test('the stack already exists: its resources are in use, so it needs nothing new', async () => {
  mocks.cloudformation.on(DescribeStacksCommand).resolves({ Stacks: [{ StackName: 'brandstack-acme-high-eu-central-1', StackStatus: 'UPDATE_COMPLETE', CreationTime: new Date() }] });
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: ['a', 'b', 'c', 'd'].map((id) => ({ VpcId: `vpc-${id}` })) });
  const { code, out } = await run(ACME_HIGH);
  expect(code).toBe(0);
  expect(out).toContain('holds  VPCs per Region (L-F678F1CE): 4 in use + 0 needed = 4 <= quota 5\n');
});

test('no credentials: one sentence, exit 2, nothing printed on stdout', async () => {
  mocks.sts.on(GetCallerIdentityCommand).rejects(awsError('CredentialsProviderError', 'Could not load credentials from any providers'));
  const { code, out, err } = await run(ACME_HIGH);
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err).toBe('brandstack: No AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was checked.\n');
});

test('no network: one sentence, exit 2, whether DNS fails, the connection is refused or the call times out', async () => {
  for (const [error, reason] of [
    [awsError('Error', 'getaddrinfo ENOTFOUND sts.eu-central-1.amazonaws.com', 'ENOTFOUND'), 'ENOTFOUND'],
    [awsError('Error', 'connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED'), 'ECONNREFUSED'],
    [awsError('TimeoutError', 'Connection timed out after 1000 ms'), 'TimeoutError'],
  ] as const) {
    mocks.sts.on(GetCallerIdentityCommand).rejects(error);
    const { code, out, err } = await run(ACME_HIGH);
    expect([code, out]).toEqual([2, '']);
    expect(err).toBe(`brandstack: AWS could not be reached for sts:GetCallerIdentity in eu-central-1 (${reason}); check the network, then retry.\n`);
  }
});

test('the network failing in the middle of the checks is still one sentence and exit 2', async () => {
  mocks.ec2.on(DescribeVpcsCommand).rejects(awsError('Error', 'read ECONNRESET', 'ECONNRESET'));
  const { code, out, err } = await run(ACME_HIGH);
  expect([code, out]).toEqual([2, '']);
  expect(err).toBe('brandstack: AWS could not be reached for ec2:DescribeVpcs in eu-central-1 (ECONNRESET); check the network, then retry.\n');
});

describe('bad flags: the flag, the allowed values, exit 2, no AWS call', () => {
  test.each([
    [['--brand', 'acme', '--stage', 'medium', '--region', 'eu-central-1'], "--stage 'medium' is not a stage; allowed: low, high"],
    [['--brand', 'acme', '--stage', 'low'], "--region is required; allowed regions for 'acme': eu-central-1, eu-west-1"],
    [['--brand', 'acme', '--stage', 'low', '--region', 'ap-southeast-2'], "--region 'ap-southeast-2' is not allowed for brand 'acme' (data residency); allowed regions for 'acme': eu-central-1, eu-west-1"],
    [['--brand', 'nobody', '--stage', 'low', '--region', 'eu-central-1'], "--brand: unknown brand 'nobody'; known brands:"],
    [['--brand', 'acme', '--stage', 'low', '--region', 'eu-central-1', '--environment', 'Prod!'], "--environment 'Prod!' must be a DNS label"],
    [['--brand', 'acme', '--stage', 'low', '--region', 'eu-central-1', '--account', '1'], "unknown argument '--account'; flags: --brand, --stage, --region, --environment"],
  ])('%j', async (args, message) => {
    const { code, out, err } = await run(args);
    expect([code, out]).toEqual([2, '']);
    expect(err).toContain(`brandstack: ${message}`);
    expect(err).toContain('brandstack preflight --brand <id> --stage <low|high> --region <code> [--environment <name>]');
    expect(mocks.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});

describe('the installed bin, run for real without AWS', () => {
  const ROOT = path.join(__dirname, '..', '..');
  const bare = {
    PATH: process.env.PATH ?? '',
    HOME: '/nonexistent-home',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
  };
  const bin = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['bin/brandstack-cli.js', 'preflight', '--brand', 'acme', '--stage', 'low', '--region', 'eu-central-1'], { cwd: ROOT, encoding: 'utf8', env, timeout: 90000 });

  test('no credentials: one sentence, exit 2, no stack trace', () => {
    const result = bin(bare);
    expect(result.stderr).toBe('brandstack: No AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); nothing was checked.\n');
    expect([result.status, result.stdout]).toEqual([2, '']);
  });

  test('AWS unreachable (nothing listens on the endpoint): one sentence, exit 2', () => {
    const result = bin({ ...bare, AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(result.stderr).toBe('brandstack: AWS could not be reached for sts:GetCallerIdentity in eu-central-1 (ECONNREFUSED); check the network, then retry.\n');
    expect([result.status, result.stdout]).toEqual([2, '']);
  });
});
