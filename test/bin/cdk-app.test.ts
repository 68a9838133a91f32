/**
 * The CDK app as the CLI runs it: a bad brand, region, stage or brand file
 * exits non-zero with one clear message, and no template is written.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs bin/brandstack.ts the way the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
function runApp(context: Record<string, string>, env: Record<string, string> = {}) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-app-'));
  const result = spawnSync(TSX, ['bin/brandstack.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context), ...env },
  });
  const written = fs.readdirSync(outdir);
  fs.rmSync(outdir, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr, written };
}

describe('bin/brandstack.ts refuses bad input before synthesizing anything', () => {
  test.each([
    [{ brand: 'initech' }, "brandstack: Unknown brand 'initech'; known brands: acme, koala"],
    [{ brand: 'acme', region: 'cn-north-1' }, "brandstack: Region 'cn-north-1' is not in the region catalog; allowed regions for 'acme': eu-central-1, eu-west-1"],
    [{ brand: 'koala', region: 'eu-west-1' }, "brandstack: Region 'eu-west-1' is not allowed for brand 'koala' (data residency)"],
    [{ brand: 'acme', stage: 'prod' }, "brandstack: Unknown stage 'prod'; allowed stages: low, high"],
  ])('%j', (context, message) => {
    const { status, stderr, written } = runApp(context);
    expect(status).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /); // one sentence, no stack trace
    expect(written).toEqual([]);
  });
});

test('the CDK CLI reports a refused region and writes no template', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-cli-'));
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', 'BrandStack', '-q', '--context', 'region=cn-north-1', '-o', outdir], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, CDK_DEFAULT_ACCOUNT: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' },
  });
  const written = fs.existsSync(outdir) ? fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json')) : [];
  fs.rmSync(outdir, { recursive: true, force: true });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain("Region 'cn-north-1' is not in the region catalog");
  expect(written).toEqual([]);
  expect(fs.existsSync(path.join(ROOT, 'cdk.context.json'))).toBe(false);
});
