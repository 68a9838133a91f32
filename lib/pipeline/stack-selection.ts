/**
 * Whether this synth needs the PipelineStack. The pipeline synthesizes every
 * promoted BrandStack again inside its stages, with the compliance packs per
 * stage (about ten times the work of `cdk synth BrandStack`), and the CDK CLI
 * always runs the whole app: it does not tell the app which stacks were asked
 * for. So the context switch `pipeline` decides:
 *
 * - `true` / `false`: build it, or not.
 * - `auto` (cdk.json): build it unless the CDK CLI that started this app was
 *   given stack names, none of which can match PipelineStack. The names are read
 *   from the CLI's command line; whenever that cannot be read or parsed, the
 *   pipeline is built, so `auto` only ever saves time, never drops a stack.
 * - absent (the app used as a library, e.g. in tests): not built.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import { BrandConfigError } from '../config/errors';

export const PIPELINE_CONTEXT = 'pipeline';
const SWITCH_VALUES = ['auto', 'true', 'false'];

/** CLI options that take a value; their values are not stack names. */
const VALUE_OPTIONS = new Set([
  '-a', '--app', '-c', '--context', '-o', '--output', '--profile', '--plugin', '-p', '--parameters', '--role-arn', '-r',
  '--toolkit-stack-name', '--ca-bundle-path', '--proxy', '--build', '--method', '-m', '--change-set-name', '--outputs-file',
  '-O', '--concurrency', '--asset-parallelism', '--require-approval', '--progress', '--notification-arns', '--tags', '-t',
  '--hotswap-ecs-minimum-healthy-percent', '--hotswap-ecs-maximum-healthy-percent', '--hotswap-ecs-stabilization-timeout-seconds',
  '--lookup-role-arn', '--exclude', '-x', '--unstable', '--version-reporting-from', '--import-existing-resources',
]);
/** CLI commands that take stack names and so may leave PipelineStack out. */
const STACK_COMMANDS = new Set(['synth', 'synthesize', 'deploy', 'diff', 'watch', 'destroy', 'drift']);

/** Resolves the `pipeline` context value into build / don't build. */
export function pipelineWanted(value: unknown, stackId: string, commandLines: () => string[][] = ancestorCommandLines): boolean {
  if (value === undefined || value === null) return false;
  const text = typeof value === 'boolean' ? String(value) : value;
  if (typeof text !== 'string' || !SWITCH_VALUES.includes(text)) {
    throw new BrandConfigError(`Context '${PIPELINE_CONTEXT}' must be one of: ${SWITCH_VALUES.join(', ')} (got ${JSON.stringify(value)})`);
  }
  if (text !== 'auto') return text === 'true';
  const requested = requestedStacks(commandLines());
  return requested === undefined || requested.some((pattern) => mayMatch(pattern, stackId));
}

/**
 * The stack names the nearest CDK CLI ancestor was given, or undefined when it
 * asked for all stacks, none was found, or its arguments are not understood.
 */
export function requestedStacks(commandLines: string[][]): string[] | undefined {
  for (const argv of commandLines) {
    const cli = argv.findIndex((arg) => /(^|\/)(cdk|aws-cdk)(\.js)?$/.test(arg) || /aws-cdk\/bin\/cdk$/.test(arg));
    if (cli < 0) continue;
    const args = argv.slice(cli + 1);
    const stacks: string[] = [];
    let command: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === '--all') return undefined;
      if (arg.startsWith('-')) {
        if (VALUE_OPTIONS.has(arg)) i++;
        continue;
      }
      if (command === undefined) command = arg;
      else stacks.push(arg);
    }
    if (command === undefined || !STACK_COMMANDS.has(command) || stacks.length === 0) return undefined;
    return stacks;
  }
  return undefined;
}

/** CDK CLI patterns are globs over the stack's hierarchical id. */
function mayMatch(pattern: string, stackId: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(stackId);
}

/** Command lines of this process's ancestors, nearest first (Linux /proc, else `ps`). */
function ancestorCommandLines(): string[][] {
  const lines: string[][] = [];
  let pid = process.ppid;
  for (let depth = 0; depth < 8 && pid > 1; depth++) {
    const entry = readProcess(pid);
    if (!entry) break;
    lines.push(entry.argv);
    pid = entry.ppid;
  }
  return lines;
}

function readProcess(pid: number): { argv: string[]; ppid: number } | undefined {
  try {
    if (fs.existsSync(`/proc/${pid}/cmdline`)) {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const ppid = Number(/^PPid:\s+(\d+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      return { argv, ppid };
    }
    const out = execFileSync('ps', ['-o', 'ppid=,command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    const match = /^(\d+)\s+(.*)$/.exec(out);
    return match ? { argv: match[2].split(/\s+/), ppid: Number(match[1]) } : undefined;
  } catch {
    return undefined;
  }
}
