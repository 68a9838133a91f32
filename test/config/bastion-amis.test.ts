/**
 * The bastion AMI pins: one for every deployable region, and the refresh
 * command that rewrites them from the public SSM parameter (driven here by a
 * fake AWS CLI: there is no AWS from the tests).
 */
import * as fs from 'fs';
import * as ts from 'typescript';
import { AMI_ID, BASTION_AMI_PARAMETER, BASTION_AMI_PINS, bastionAmiFor, regionsWithoutBastionAmi, type BastionAmiPins } from '../../lib/config/bastion-amis';
import { deployableRegionCodes, REGION_CATALOG } from '../../lib/config/regions';
import { amiFromGetParameters, main, PINS_FILE, readPins, rewritePins, type AwsCli } from '../../lib/config/refresh-bastion-amis';

/** What `aws ssm get-parameters --output json` prints for one public parameter. */
const answer = (value: string) =>
  JSON.stringify({ Parameters: [{ Name: BASTION_AMI_PARAMETER, Type: 'String', Value: value, Version: 112, DataType: 'aws:ec2:image' }], InvalidParameters: [] });

/** A fake CLI that answers per region, recording the calls. */
function fakeCli(valueOf: (region: string) => string | Error): { cli: AwsCli; calls: string[][] } {
  const calls: string[][] = [];
  const cli: AwsCli = (args) => {
    calls.push([...args]);
    const value = valueOf(args[args.indexOf('--region') + 1]);
    if (value instanceof Error) throw value;
    return value;
  };
  return { cli, calls };
}

/** Evaluates a pins file's TypeScript and returns its BASTION_AMI_PINS. */
function evaluatePins(source: string): BastionAmiPins {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText;
  const module = { exports: {} as Record<string, unknown> };
  new Function('require', 'module', 'exports', js)((id: string) => require(id === './regions' ? '../../lib/config/regions' : id), module, module.exports);
  return module.exports.BASTION_AMI_PINS as BastionAmiPins;
}

describe('bastion AMI pins', () => {
  test('every deployable region of the catalog has a pinned AMI id, and only catalog regions have one', () => {
    expect(regionsWithoutBastionAmi()).toEqual([]);
    const catalog = new Set(REGION_CATALOG.map((r) => r.code));
    expect(Object.keys(BASTION_AMI_PINS.images).filter((code) => !catalog.has(code))).toEqual([]);
    for (const [region, image] of Object.entries(BASTION_AMI_PINS.images)) expect([region, AMI_ID.test(image)]).toEqual([region, true]);
  });

  test('the example brands deploy to pinned regions', () => {
    for (const region of ['eu-central-1', 'eu-west-1', 'ap-southeast-2', 'ap-southeast-4']) expect(bastionAmiFor(region)).toMatch(AMI_ID);
  });

  test('the pins say where they come from and when they were read', () => {
    expect(BASTION_AMI_PINS.source.length).toBeGreaterThan(20);
    expect(BASTION_AMI_PINS.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('a region without a pin is refused, naming it, the refresh command and the pinned regions', () => {
    const refused = REGION_CATALOG.find((r) => r.refusedBecause)!.code;
    expect(() => bastionAmiFor(refused)).toThrow(`no bastion AMI is pinned for region '${refused}'; run \`npx tsx lib/config/refresh-bastion-amis.ts\``);
    expect(() => bastionAmiFor('mars-north-1')).toThrow(/pinned: af-south-1, ap-east-1, /);
  });
});

describe('refresh-bastion-amis', () => {
  test('reads the AMI id from the CLI answer, and refuses an answer that is not one', () => {
    expect(amiFromGetParameters(answer('ami-0123456789abcdef0'), 'eu-central-1')).toBe('ami-0123456789abcdef0');
    expect(() => amiFromGetParameters(JSON.stringify({ Parameters: [], InvalidParameters: [BASTION_AMI_PARAMETER] }), 'il-central-1')).toThrow(
      `il-central-1: the region does not have the parameter ${BASTION_AMI_PARAMETER}`,
    );
    expect(() => amiFromGetParameters(answer('latest'), 'eu-west-1')).toThrow("eu-west-1: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64 holds 'latest', which is not an AMI id");
    expect(() => amiFromGetParameters('Unable to locate credentials', 'eu-west-1')).toThrow("eu-west-1: 'aws ssm get-parameters' did not answer JSON");
  });

  test('asks each region for the AL2023 arm64 parameter', () => {
    const { cli, calls } = fakeCli(() => answer('ami-0123456789abcdef0'));
    expect(readPins(['eu-central-1', 'ap-southeast-4'], cli)).toEqual({ 'eu-central-1': 'ami-0123456789abcdef0', 'ap-southeast-4': 'ami-0123456789abcdef0' });
    expect(calls).toEqual([
      ['ssm', 'get-parameters', '--names', BASTION_AMI_PARAMETER, '--region', 'eu-central-1', '--output', 'json'],
      ['ssm', 'get-parameters', '--names', BASTION_AMI_PARAMETER, '--region', 'ap-southeast-4', '--output', 'json'],
    ]);
  });

  test('a failing region writes nothing and is named, with every other failure', () => {
    const before = fs.readFileSync(PINS_FILE, 'utf8');
    const { cli } = fakeCli((region) => (region === 'me-south-1' ? new Error('An error occurred (UnrecognizedClientException): The security token included in the request is invalid.') : region === 'af-south-1' ? answer('none') : answer('ami-0123456789abcdef0')));
    expect(() => main(cli)).toThrow(/could not read the bastion AMI of 2 region\(s\); nothing was written:\n {2}af-south-1: .*holds 'none'.*\n {2}An error occurred \(UnrecognizedClientException\)/);
    expect(fs.readFileSync(PINS_FILE, 'utf8')).toBe(before);
  });

  test('rewrites only the pins block, into a file that evaluates to the new pins', () => {
    const before = fs.readFileSync(PINS_FILE, 'utf8');
    const images = Object.fromEntries(deployableRegionCodes().map((code, i) => [code, `ami-${i.toString(16).padStart(17, '0')}`]));
    const pins: BastionAmiPins = { source: "aws ssm get-parameters (the team's refresh)", recordedOn: '2026-12-01', images };
    const after = rewritePins(before, pins);
    expect(evaluatePins(after)).toEqual(pins);
    // Outside the markers nothing changes, and a second rewrite is a no-op.
    const outside = (text: string) => text.slice(0, text.indexOf('// BEGIN PINS')) + text.slice(text.indexOf('// END PINS'));
    expect(outside(after)).toBe(outside(before));
    expect(rewritePins(after, pins)).toBe(after);
    // The committed file evaluates to what the module exports.
    expect(evaluatePins(before)).toEqual(BASTION_AMI_PINS);
  });
});
