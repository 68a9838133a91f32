/**
 * Refreshes the bastion AMI pins (lib/config/bastion-amis.ts) from AWS:
 *
 *     npx tsx lib/config/refresh-bastion-amis.ts
 *
 * For every deployable region of the catalog it runs
 * `aws ssm get-parameters --names <BASTION_AMI_PARAMETER> --region <region> --output json`
 * (the AWS CLI, with the caller's credentials; `ssm:GetParameters` on the public
 * `/aws/service/...` parameters), then rewrites the block between the PINS
 * markers of bastion-amis.ts. If any region fails (no credentials, the region
 * not enabled in the account, an answer that is not an AMI id), it writes
 * nothing, names the region and exits 1. Review the diff and commit it: the next
 * deploy replaces each bastion whose pin changed.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { AMI_ID, BASTION_AMI_PARAMETER, type BastionAmiPins } from './bastion-amis';
import { deployableRegionCodes } from './regions';

export const PINS_FILE = path.join(__dirname, 'bastion-amis.ts');
const BEGIN = '// BEGIN PINS';
const END = '// END PINS';

/** Runs the AWS CLI and returns its standard output; throws with its standard error. */
export type AwsCli = (args: readonly string[]) => string;

const awsCli: AwsCli = (args) => execFileSync('aws', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** The AMI id in the output of `aws ssm get-parameters --output json` for one parameter. */
export function amiFromGetParameters(output: string, region: string): string {
  let parsed: { Parameters?: Array<{ Name?: string; Value?: string }>; InvalidParameters?: string[] };
  try {
    parsed = JSON.parse(output);
  } catch {
    throw new Error(`${region}: 'aws ssm get-parameters' did not answer JSON: ${output.slice(0, 200)}`);
  }
  if (parsed.InvalidParameters?.length) throw new Error(`${region}: the region does not have the parameter ${parsed.InvalidParameters.join(', ')}`);
  const value = parsed.Parameters?.find((p) => p.Name === BASTION_AMI_PARAMETER)?.Value;
  if (value === undefined) throw new Error(`${region}: the answer holds no value for ${BASTION_AMI_PARAMETER}`);
  if (!AMI_ID.test(value)) throw new Error(`${region}: ${BASTION_AMI_PARAMETER} holds '${value}', which is not an AMI id`);
  return value;
}

/** Reads the pin of every region; fails naming every region that could not be read. */
export function readPins(regions: readonly string[], cli: AwsCli = awsCli): Record<string, string> {
  const images: Record<string, string> = {};
  const failures: string[] = [];
  for (const region of regions) {
    try {
      images[region] = amiFromGetParameters(cli(['ssm', 'get-parameters', '--names', BASTION_AMI_PARAMETER, '--region', region, '--output', 'json']), region);
    } catch (error) {
      failures.push(error instanceof Error ? error.message.split('\n')[0] : String(error));
    }
  }
  if (failures.length) throw new Error(`could not read the bastion AMI of ${failures.length} region(s); nothing was written:\n  ${failures.join('\n  ')}`);
  return images;
}

/** A TypeScript single-quoted string literal. */
const quoted = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The pins file with the block between the markers replaced by `pins`. */
export function rewritePins(file: string, pins: BastionAmiPins): string {
  const begin = file.indexOf(BEGIN);
  const end = file.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${PINS_FILE}: the '${BEGIN}' and '${END}' markers are missing`);
  const beginLineEnd = file.indexOf('\n', begin) + 1;
  const entries = Object.keys(pins.images)
    .sort()
    .map((region) => `    '${region}': '${pins.images[region]}',`)
    .join('\n');
  const block = [
    'export const BASTION_AMI_PINS: BastionAmiPins = {',
    `  source: ${quoted(pins.source)},`,
    `  recordedOn: '${pins.recordedOn}',`,
    '  images: {',
    entries,
    '  },',
    '};',
    '',
  ].join('\n');
  return file.slice(0, beginLineEnd) + block + file.slice(end);
}

export function main(cli: AwsCli = awsCli, now: Date = new Date()): void {
  const images = readPins(deployableRegionCodes(), cli);
  const recordedOn = now.toISOString().slice(0, 10);
  const pins: BastionAmiPins = { source: `aws ssm get-parameters --names ${BASTION_AMI_PARAMETER} --region <region>, read ${recordedOn}`, recordedOn, images };
  fs.writeFileSync(PINS_FILE, rewritePins(fs.readFileSync(PINS_FILE, 'utf8'), pins));
  process.stdout.write(`pinned ${Object.keys(images).length} regions in ${path.relative(process.cwd(), PINS_FILE)} (${recordedOn}); review the diff and commit it\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`refresh-bastion-amis: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
