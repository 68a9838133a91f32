/**
 * The `pipeline` context switch: the app builds PipelineStack (and re-synthesizes
 * every promoted BrandStack) only when the synth needs it.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipelineWanted, requestedStacks } from '../../lib/pipeline/stack-selection';

const CLI = ['/usr/bin/node', '/work/main/node_modules/.bin/cdk'];
const cli = (...args: string[]) => [[...CLI, ...args]];

test.each<[string, boolean, string[][]]>([
  ['cdk synth BrandStack', false, cli('synth', 'BrandStack')],
  ['cdk synth -q --no-notices -o out BrandStack', false, cli('synth', '-q', '--no-notices', '-o', 'out', 'BrandStack')],
  ['cdk deploy BrandStack --context stage=high', false, cli('deploy', 'BrandStack', '--context', 'stage=high')],
  ['cdk synth PipelineStack', true, cli('synth', 'PipelineStack')],
  ['cdk synth BrandStack PipelineStack', true, cli('synth', 'BrandStack', 'PipelineStack')],
  ['cdk synth Pipe*', true, cli('synth', 'Pipe*')],
  ['cdk synth (every stack)', true, cli('synth')],
  ['cdk synth --all', true, cli('synth', '--all')],
  ['cdk ls', true, cli('ls')],
  ['cdk synth -c brand=koala BrandStack run by npx', false, [[...CLI, 'synth', '-c', 'brand=koala', 'BrandStack'], ['npm', 'exec', 'cdk', 'synth', 'BrandStack']]],
  ['no CDK CLI among the ancestors', true, [['/bin/sh', '-c', 'npx tsx bin/brandstack.ts'], ['node', 'jest']]],
])('auto: %s → pipeline built: %s', (_name, built, commandLines) => {
  expect(pipelineWanted('auto', 'PipelineStack', () => commandLines)).toBe(built);
});

test('explicit values win; absent (the app as a library) builds no pipeline', () => {
  const never = () => {
    throw new Error('not consulted');
  };
  expect(pipelineWanted('true', 'PipelineStack', never)).toBe(true);
  expect(pipelineWanted(true, 'PipelineStack', never)).toBe(true);
  expect(pipelineWanted('false', 'PipelineStack', never)).toBe(false);
  expect(pipelineWanted(undefined, 'PipelineStack', never)).toBe(false);
});

test('a bad value names the context key and the allowed values', () => {
  expect(() => pipelineWanted('yes', 'PipelineStack')).toThrow(`Context 'pipeline' must be one of: auto, true, false (got "yes")`);
});

test('options that take a value are not read as stack names', () => {
  expect(requestedStacks(cli('synth', '--app', 'npx tsx bench/fixtures/empty-app.ts', 'EmptyStack'))).toEqual(['EmptyStack']);
  expect(requestedStacks(cli('diff', '--profile', 'prod', '-c', 'pipeline=auto'))).toBeUndefined();
});

describe('the CDK CLI, offline and without credentials', () => {
  const ROOT = path.join(__dirname, '..', '..');
  const cdk = (args: string[]) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-cdk-'));
    const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '-q', '--no-notices', '-o', outdir, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_DEFAULT_ACCOUNT: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
    });
    const written = fs.existsSync(outdir) ? fs.readdirSync(outdir) : [];
    fs.rmSync(outdir, { recursive: true, force: true });
    return { status: result.status, stderr: result.stderr, written };
  };

  test('`cdk synth BrandStack` does not build the pipeline', () => {
    const { status, stderr, written } = cdk(['BrandStack']);
    expect({ status, stderr: stderr.includes('Error') ? stderr : '' }).toEqual({ status: 0, stderr: '' });
    expect(written).toContain('BrandStack.template.json');
    expect(written).not.toContain('PipelineStack.template.json');
  });

  test('a bad pipeline context value stops the synth with one message', () => {
    const { status, stderr, written } = cdk(['BrandStack', '--context', 'pipeline=sometimes']);
    expect(status).not.toBe(0);
    expect(stderr).toContain(`brandstack: Context 'pipeline' must be one of: auto, true, false (got "sometimes")`);
    expect(written.filter((f) => f.endsWith('.template.json'))).toEqual([]);
  });
});
