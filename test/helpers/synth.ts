/**
 * Synthesizes a brand target exactly as `cdk synth` does (buildApp, with the
 * compliance packs), once per jest run: the cloud assembly is cached in a
 * run-scoped directory shared by workers.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly, type CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { buildApp } from '../../lib/app';
import { postureOfArtifact, type Posture } from '../../lib/posture';

export interface SynthTarget {
  readonly brand: string;
  readonly stage: 'low' | 'high';
  readonly region?: string;
}

export interface Violation {
  readonly pack: string;
  readonly rule: string;
  readonly path: string;
}

export interface Synthesized {
  readonly artifact: CloudFormationStackArtifact;
  readonly template: Template;
  readonly json: any;
  readonly posture: Posture;
  /** Unacknowledged compliance findings, empty when the packs pass. */
  readonly violations: Violation[];
  readonly outdir: string;
}

/** Every example brand and stage; posture snapshots and compliance cover each. */
export const EXAMPLE_TARGETS: SynthTarget[] = [
  { brand: 'acme', stage: 'low' },
  { brand: 'acme', stage: 'high' },
  { brand: 'koala', stage: 'low' },
  { brand: 'koala', stage: 'high' },
];

const memo = new Map<string, Synthesized>();

export function synthTarget(target: SynthTarget): Synthesized {
  const key = `${target.brand}-${target.stage}-${target.region ?? 'home'}`;
  const cached = memo.get(key);
  if (cached) return cached;

  const cacheRoot = process.env.BRANDSTACK_SYNTH_CACHE ?? fs.mkdtempSync(path.join(os.tmpdir(), 'brandstack-synth-'));
  const outdir = path.join(cacheRoot, key);
  if (!fs.existsSync(path.join(outdir, 'manifest.json'))) {
    // Synthesize beside the final location and rename, so a worker never reads a half-written assembly.
    const staging = fs.mkdtempSync(path.join(cacheRoot, `${key}.tmp-`));
    const context: Record<string, string> = { brand: target.brand, stage: target.stage };
    if (target.region) context.region = target.region;
    const app = buildApp({ outdir: staging, context, account: '111111111111' });
    try {
      app.synth();
    } catch (error) {
      // Policy validation failures still write the assembly and the report; anything else is a real error.
      if (!fs.existsSync(path.join(staging, 'validation-report.json'))) throw error;
    }
    try {
      fs.renameSync(staging, outdir);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another worker won the race
    }
  }

  const artifact = new CloudAssembly(outdir).getStackArtifact('BrandStack');
  const result: Synthesized = {
    artifact,
    template: Template.fromJSON(artifact.template),
    json: artifact.template,
    posture: postureOfArtifact(artifact),
    violations: readViolations(outdir),
    outdir,
  };
  memo.set(key, result);
  return result;
}

function readViolations(outdir: string): Violation[] {
  const reportFile = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) return [];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const violations: Violation[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      for (const construct of violation.violatingConstructs ?? []) {
        violations.push({ pack: plugin.pluginName, rule: violation.ruleName, path: construct.constructPath });
      }
    }
  }
  return violations;
}
