/**
 * The import rules of .dependency-cruiser.cjs, which `npm test` runs over the
 * whole tree (npm run check:imports): each rule is shown to catch what it names
 * on a small tree made here, and the real tree is shown to pass.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..', '..');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

function cruise(cwd: string, ...targets: string[]) {
  return spawnSync(DEPCRUISE, [...targets, '--config', path.join(ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err'], { cwd, encoding: 'utf8', timeout: 60000 });
}

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-imports-'));
  // The configuration resolves imports through the tsconfig.json of the directory it runs in.
  for (const [file, text] of Object.entries({ 'tsconfig.json': '{ "compilerOptions": { "module": "commonjs" } }\n', ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('a folder-level cycle fails, though no module imports itself in a circle', () => {
  const dir = tree({
    'lib/keys/alias.ts': "import { port } from '../network/ports';\nexport const alias = String(port);\n",
    'lib/keys/names.ts': 'export const name = "k";\n',
    'lib/network/ports.ts': 'export const port = 1;\n',
    'lib/network/label.ts': "import { name } from '../keys/names';\nexport const label = name;\n",
  });
  const result = cruise(dir, 'lib');
  expect(result.status).not.toBe(0);
  expect(result.stdout).toContain('error no-folder-cycle: lib/keys');
  expect(result.stdout).not.toContain('no-module-cycle');
});

test('charts importing constructs, the runtime importing the CDK app, and a runtime lib/ folder each fail', () => {
  const dir = tree({
    'lib/constructs/cluster/workloads.ts': 'export const w = 1;\n',
    'lib/charts/chart.ts': "import { w } from '../constructs/cluster/workloads';\nexport const c = w;\n",
    'runtime/src/server.ts': "import { c } from '../../lib/charts/chart';\nimport { clock } from './lib/clock';\nexport const s = c + clock;\n",
    'runtime/src/lib/clock.ts': 'export const clock = 1;\n',
  });
  const result = cruise(dir, 'lib', 'runtime/src');
  expect(result.status).not.toBe(0);
  expect(result.stdout).toContain('error charts-do-not-import-constructs: lib/charts/chart.ts → lib/constructs/cluster/workloads.ts');
  expect(result.stdout).toContain('error runtime-stands-alone: runtime/src/server.ts → lib/charts/chart.ts');
  expect(result.stdout).toContain('error no-grab-bag-folders: runtime/src/server.ts → runtime/src/lib/clock.ts');
});

test('the repository itself passes every rule', () => {
  const result = cruise(ROOT, 'lib', 'runtime/src', 'bin', 'bench');
  expect(result.stderr + result.stdout).toContain('no dependency violations found');
  expect(result.status).toBe(0);
});
