/**
 * bench/synth: wall time of `cdk synth BrandStack` against the same CLI
 * synthesizing an empty aws-cdk-lib app (measured in the same run, interleaved,
 * so machine noise hits both), and of every example brand × stage in one app.
 *
 *   npm run bench:synth            (BENCH_RUNS=5 for more samples)
 *   BENCH_COMPARE_WITH=<checkout> npm run bench:synth
 *       also times `cdk synth BrandStack` in another checkout (with its own node_modules), interleaved
 *       in the same run: how a change moved synth time, measured beside the same baseline.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BrandRegistry } from '../lib/config/registry';
import { STAGE_NAMES } from '../lib/config/stages';

const ROOT = path.join(__dirname, '..');
const CDK = path.join(ROOT, 'node_modules', '.bin', 'cdk');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_RATIO = 1.5;

const COMPARE_WITH = process.env.BENCH_COMPARE_WITH ? path.resolve(process.env.BENCH_COMPARE_WITH) : undefined;
if (COMPARE_WITH && !fs.existsSync(path.join(COMPARE_WITH, 'cdk.json'))) {
  throw new Error(`BENCH_COMPARE_WITH: '${COMPARE_WITH}' is not a brandstack checkout (no cdk.json)`);
}

function cdkSynth(args: string[], cwd = ROOT): number {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  const started = process.hrtime.bigint();
  const result = spawnSync(CDK, ['synth', '-q', '--no-notices', '-o', outdir, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true' },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`cdk synth ${args.join(' ')} failed (last lines):\n${result.stderr.slice(-1500)}`);
  return seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cases = {
  empty: ['--app', 'npx tsx bench/fixtures/empty-app.ts', 'EmptyStack'],
  brandStack: ['BrandStack'],
  allBrands: ['--app', 'npx tsx bench/fixtures/all-brands-app.ts'],
};
const samples: Record<keyof typeof cases, number[]> = { empty: [], brandStack: [], allBrands: [] };
const compared: number[] = [];

cdkSynth(cases.empty); // warm the file cache so the first measured run is not penalised
if (COMPARE_WITH) cdkSynth(cases.brandStack, COMPARE_WITH);
for (let run = 0; run < RUNS; run++) {
  for (const name of Object.keys(cases) as Array<keyof typeof cases>) samples[name].push(cdkSynth(cases[name]));
  if (COMPARE_WITH) compared.push(cdkSynth(cases.brandStack, COMPARE_WITH));
}

const empty = median(samples.empty);
const brand = median(samples.brandStack);
const all = median(samples.allBrands);
const stacks = BrandRegistry.load().ids.length * STAGE_NAMES.length;
const ratio = brand / empty;
const fmt = (s: number) => `${s.toFixed(2)} s`;

console.log(`bench/synth: median of ${RUNS} interleaved runs, same CLI (${path.relative(ROOT, CDK)})`);
console.log(`  empty aws-cdk-lib app          ${fmt(empty)}   (baseline)`);
console.log(`  cdk synth BrandStack           ${fmt(brand)}   ratio ${ratio.toFixed(2)}x  (target <= ${TARGET_RATIO}x)`);
console.log(`  all ${stacks} brand x stage stacks   ${fmt(all)}   ratio ${(all / empty).toFixed(2)}x; ${fmt((all - empty) / stacks)} per brand stack above the baseline`);
if (COMPARE_WITH) {
  const other = median(compared);
  console.log(`  BrandStack in ${COMPARE_WITH}  ${fmt(other)}   ratio ${(other / empty).toFixed(2)}x; this checkout is ${(brand / other).toFixed(3)}x of it`);
}
console.log(`  samples: ${JSON.stringify(COMPARE_WITH ? { ...samples, compared } : samples)}`);
if (ratio > TARGET_RATIO) console.log(`  NOTE: BrandStack synth is above the ${TARGET_RATIO}x target`);
