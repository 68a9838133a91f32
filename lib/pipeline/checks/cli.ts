/**
 * The brandstack CLI (bin/brandstack-cli.js runs it with tsx):
 *
 *   brandstack verify --brand <id> --stage <low|high> --region <code>
 *   brandstack smoke  --brand <id> (--environment <env> --region <code> | --base-url <url>)
 *                     [--issuer-base <url>] [--tenant <customer>] [--secret-id <arn>]
 *   brandstack preflight --brand <id> --stage <low|high> --region <code> [--environment <name>]   (lib/preflight/)
 *   brandstack audit verify --tenant <id> --url <runtime> [--admin-tenant <id>] [--client-id <id>] [--client-secret-file <path>]   (lib/audit-verify/)
 *   brandstack tenant move-customer --tenant <id> --customer <id> --url <runtime> [--batch <n>]   (lib/tenant-move/)
 *
 * Exit codes: 0 every expectation held; 1 at least one VIOLATED; 2 bad input,
 * or nothing could be checked (no credentials, no network), said in one sentence.
 */
import { AdminClientUsage } from '../../admin-client/admin-client';
import { auditVerifyOptions, formatAuditVerification, verifyAuditTrail } from '../../audit-verify/audit-verify';
import { moveTenant, tenantMoveOptions } from '../../tenant-move/tenant-move';
import { BrandConfigError } from '../../config/errors';
import { BrandRegistry, resolveTarget } from '../../config/registry';
import { STAGE_NAMES } from '../../config/stages';
import { formatReport, VerificationUnavailable, type Expectation } from './expectation';
import { postureClients, verifyDeployedPosture, type DeployedPostureClients } from './deployed-posture';
import { runSmokeTest } from './smoke';
import { readSmokeCredentials, secretRegion, smokeSecretsClient, type SmokeCredentials } from './smoke-credentials';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { stackHostname } from '../../config/naming';
import { formatPreflight, preflightClients, PreflightUnavailable, runPreflight, type PreflightClients, type StackFootprint } from '../../preflight';
import type { BrandTarget } from '../../config/registry';

export const USAGE = [
  'usage: brandstack verify --brand <id> --stage <low|high> --region <code>',
  '       brandstack smoke --brand <id> (--environment <env> --region <code> | --base-url <url>) [--issuer-base <url>] [--tenant <customer>]',
  '                        [--secret-id <arn>]   (else SMOKE_CLIENT_ID, SMOKE_CLIENT_SECRET from the environment)',
  '       brandstack preflight --brand <id> --stage <low|high> --region <code> [--environment <name>]   (default environment: the stage)',
  '       brandstack audit verify --tenant <id> --url <runtime> [--admin-tenant <id>] [--client-id <id>] [--client-secret-file <path>]',
  '                        (else BRANDSTACK_ADMIN_CLIENT_SECRET; default client platform-admin of tenant platform)',
  '       brandstack tenant move-customer --tenant <id> --customer <id> --url <runtime> [--batch <n>] [same credential flags as audit verify]',
].join('\n');

export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** @default the real clients for the region */
  readonly clients?: (region: string) => DeployedPostureClients;
  /** @default brands/ at the repository root */
  readonly brandsDir?: string;
  /** For `smoke --secret-id`. @default the real client in the secret's region */
  readonly secretsManager?: (region: string | undefined) => SecretsManagerClient;
  /** @default the real clients for the region (lib/preflight/context.ts) */
  readonly preflightClients?: (region: string) => PreflightClients;
  /** @default what the target's BrandStack constructs create (lib/preflight/stack-footprint.ts) */
  readonly preflightFootprint?: (target: BrandTarget) => StackFootprint;
}

/** A usage error: names the flag and the allowed values. */
export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === 'verify') return await verify(parseFlags(rest, ['brand', 'stage', 'region']), io);
    if (command === 'smoke') return await smoke(parseFlags(rest, ['brand', 'tenant', 'base-url', 'environment', 'region', 'issuer-base', 'secret-id']), io);
    if (command === 'preflight') return await preflight(parseFlags(rest, ['brand', 'stage', 'region', 'environment']), io);
    if (command === 'audit') return await audit(rest, io);
    if (command === 'tenant') return await tenant(rest, io);
    throw new UsageError(command === undefined ? 'a command is required: verify, smoke, preflight, audit or tenant' : `unknown command '${command}'; commands: verify, smoke, preflight, audit, tenant`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof BrandConfigError) {
      io.err(`brandstack: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof VerificationUnavailable || error instanceof PreflightUnavailable) {
      io.err(`brandstack: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

async function verify(flags: Map<string, string>, io: CliIo): Promise<number> {
  const registry = BrandRegistry.load(io.brandsDir);
  const brand = required(flags, 'brand', `known brands: ${registry.ids.join(', ')}`);
  const stage = required(flags, 'stage', `allowed: ${STAGE_NAMES.join(', ')}`);
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) throw new UsageError(`--stage '${stage}' is not a stage; allowed: ${STAGE_NAMES.join(', ')}`);
  const region = required(flags, 'region', `allowed regions for '${brand}': ${registry.ids.includes(brand) ? registry.get(brand).allowedRegions.join(', ') : '(unknown brand)'}`);
  const target = withFlagNames(() => resolveTarget(registry, { brand, stage, region }));

  const clients = (io.clients ?? postureClients)(target.region.code);
  const results = await verifyDeployedPosture(target, clients);
  return report(`brandstack verify: ${brand}, stage ${stage}, ${target.region.code}`, results, io);
}

async function preflight(flags: Map<string, string>, io: CliIo): Promise<number> {
  const registry = BrandRegistry.load(io.brandsDir);
  const brand = required(flags, 'brand', `known brands: ${registry.ids.join(', ')}`);
  const stage = required(flags, 'stage', `allowed: ${STAGE_NAMES.join(', ')}`);
  if (!(STAGE_NAMES as readonly string[]).includes(stage)) throw new UsageError(`--stage '${stage}' is not a stage; allowed: ${STAGE_NAMES.join(', ')}`);
  const region = required(flags, 'region', `allowed regions for '${brand}': ${registry.ids.includes(brand) ? registry.get(brand).allowedRegions.join(', ') : '(unknown brand)'}`);
  const environment = flags.get('environment');
  const target = withFlagNames(() => {
    try {
      return resolveTarget(registry, { brand, stage, region, environment });
    } catch (error) {
      if (error instanceof BrandConfigError) throw new BrandConfigError(error.message.replace(/^Context 'environment'/, '--environment'));
      throw error;
    }
  });

  // Loaded only here (as lib/app.ts loads the pipeline): verify and smoke do not pay for loading every construct.
  const footprint = io.preflightFootprint ?? (require('../../preflight/stack-footprint') as typeof import('../../preflight/stack-footprint')).footprintOfTarget;
  const { account, results } = await runPreflight(target, () => footprint(target), (io.preflightClients ?? preflightClients)(target.region.code));
  io.out(formatPreflight(`brandstack preflight: ${brand}, stage ${stage}, ${target.region.code}, environment ${target.environment}, account ${account}`, results));
  return results.every((r) => r.holds) ? 0 : 1;
}

async function smoke(flags: Map<string, string>, io: CliIo): Promise<number> {
  const registry = BrandRegistry.load(io.brandsDir);
  const brandId = required(flags, 'brand', `known brands: ${registry.ids.join(', ')}`);
  const brand = withFlagNames(() => registry.get(brandId));
  const baseUrl = smokeBaseUrl(flags, registry, brandId);
  const issuerBase = flags.get('issuer-base') ?? baseUrl;
  for (const [flag, url] of [['base-url', baseUrl], ['issuer-base', issuerBase]]) {
    if (!/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError(`--${flag} '${url}' is not an http(s) URL`);
  }
  const credentials = await smokeCredentials(flags, io);
  const tenant = flags.get('tenant') ?? credentials.tenant ?? brand.customers[0];
  if (credentials.tenant !== undefined && credentials.tenant !== tenant) {
    throw new UsageError(`--tenant '${tenant}' is not the smoke client's tenant '${credentials.tenant}' (from --secret-id); leave --tenant out`);
  }
  if (!brand.customers.includes(tenant)) throw new UsageError(`--tenant '${tenant}' is not a customer of '${brand.id}'; customers: ${brand.customers.join(', ')}`);

  const results = await runSmokeTest({ baseUrl, issuerBase, tenant, clientId: credentials.clientId, clientSecret: credentials.clientSecret });
  return report(`brandstack smoke: ${brand.id}, tenant ${tenant}, ${baseUrl}`, results, io);
}

/** `https://<stack hostname>` from --environment and --region (each deployment's own name), or --base-url. */
function smokeBaseUrl(flags: Map<string, string>, registry: BrandRegistry, brand: string): string {
  const environment = flags.get('environment');
  const region = flags.get('region');
  const baseUrl = flags.get('base-url');
  if (baseUrl !== undefined) {
    if (environment !== undefined || region !== undefined) throw new UsageError('--base-url replaces --environment and --region: give one or the other');
    return baseUrl;
  }
  if (environment === undefined || region === undefined) {
    throw new UsageError('--environment and --region are required (the deployment answers on <region>.<environment>.<domain>), or --base-url');
  }
  const target = withFlagNames(() => resolveTarget(registry, { brand, region, environment }));
  return `https://${stackHostname(target)}`;
}

/** From the Secrets Manager secret named by --secret-id, else SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET. */
async function smokeCredentials(flags: Map<string, string>, io: CliIo): Promise<Omit<SmokeCredentials, 'tenant'> & { tenant?: string }> {
  const secretId = flags.get('secret-id');
  if (secretId !== undefined) {
    const region = secretRegion(secretId);
    if (region === undefined) throw new UsageError(`--secret-id '${secretId}' is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)`);
    return readSmokeCredentials(secretId, (io.secretsManager ?? smokeSecretsClient)(region));
  }
  const clientId = io.env.SMOKE_CLIENT_ID;
  const clientSecret = io.env.SMOKE_CLIENT_SECRET;
  if (!clientId || !clientSecret) throw new UsageError('--secret-id, or SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET, must be given (the pipeline passes the secret of the stack\'s smoke client)');
  return { clientId, clientSecret };
}

function report(title: string, results: readonly Expectation[], io: CliIo): number {
  io.out(formatReport(title, results));
  return results.every((r) => r.held) ? 0 : 1;
}

/** `audit verify`: 0 intact, 1 broken (the first broken link named), 2 not verified (said why). */
async function audit(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') throw new UsageError(`audit needs a subcommand; allowed: verify`);
  let options;
  try {
    options = auditVerifyOptions(parseFlags(rest, ['tenant', 'url', 'admin-tenant', 'client-id', 'client-secret-file']), io.env);
  } catch (error) {
    if (error instanceof AdminClientUsage) throw new UsageError(error.message);
    throw error;
  }
  const outcome = await verifyAuditTrail(options);
  const text = formatAuditVerification(options.tenant, outcome);
  if (outcome.status === 'intact') io.out(text);
  else io.err(text);
  return outcome.status === 'intact' ? 0 : outcome.status === 'broken' ? 1 : 2;
}

/** `tenant move-customer`: 0 moved, 2 not (said why; running it again resumes). */
async function tenant(args: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'move-customer') throw new UsageError('tenant needs a subcommand; allowed: move-customer');
  let options;
  try {
    options = tenantMoveOptions(parseFlags(rest, ['tenant', 'customer', 'batch', 'url', 'admin-tenant', 'client-id', 'client-secret-file']), io.env);
  } catch (error) {
    if (error instanceof AdminClientUsage) throw new UsageError(error.message);
    throw error;
  }
  return moveTenant(options, io.out, io.err);
}

function parseFlags(args: readonly string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!match || !known.includes(match[1])) throw new UsageError(`unknown argument '${args[i]}'; flags: ${known.map((k) => `--${k}`).join(', ')}`);
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`--${match[1]} needs a value`);
    flags.set(match[1], value);
  }
  return flags;
}

function required(flags: Map<string, string>, name: string, allowed: string): string {
  const value = flags.get(name);
  if (value === undefined) throw new UsageError(`--${name} is required; ${allowed}`);
  return value;
}

/** The registry speaks of context keys; on the command line they are flags. */
function withFlagNames<T>(resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof BrandConfigError) throw new UsageError(error.message.replace(/^Unknown brand/, '--brand: unknown brand').replace(/^Region/, '--region'));
    throw error;
  }
}

/** Entry point of bin/brandstack-cli.js. */
export function run(): void {
  // The SDK warns on Node 20 that future releases need 22; package.json supports 20, and the output must stay the report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env }).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`brandstack: unexpected failure: ${(error as Error).stack ?? error}\n`);
      process.exit(3);
    },
  );
}
