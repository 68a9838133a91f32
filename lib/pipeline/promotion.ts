/**
 * The promotion config (`promotion.json`): where the pipeline lives, where it
 * reads the source from, and which brands each stage (test → staging →
 * preprod → prod) deploys, to which account and regions, as which BrandStack
 * stage. Every error names the file and the field, and for enumerations the
 * allowed values, like the brand schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import { BrandConfigError } from '../config/errors';
import { findRegion } from '../config/regions';
import { resolveTarget, type BrandRegistry, type BrandTarget } from '../config/registry';
import { STAGE_NAMES, isStageName } from '../config/stages';
import { servesPublicName } from '../config/naming';

/** The promotion order. A release reaches a stage only through the one before it. */
export const PROMOTION_STAGES = ['test', 'staging', 'preprod', 'prod'] as const;
export type PromotionStageName = (typeof PROMOTION_STAGES)[number];

export const DEFAULT_PROMOTION_FILE = path.join(__dirname, '..', '..', 'promotion.json');

/** Context keys that override the source of `promotion.json`, e.g. `--context pipeline:branch=release`. */
export const SOURCE_CONTEXT = {
  repository: 'pipeline:repository',
  branch: 'pipeline:branch',
  connectionArn: 'pipeline:connectionArn',
} as const;

export interface PipelineSource {
  /** `owner/name` of the repository behind the connection. */
  readonly repository: string;
  readonly branch: string;
  /** The CodeStar (CodeConnections) connection the pipeline reads the repository through. */
  readonly connectionArn: string;
}

/**
 * The smoke test of one deployment: one tenant's client_credentials flow. BrandStack provisions
 * the tenant's smoke client and keeps its credentials in the target account (SmokeClient); the
 * pipeline reads them there through the stack's smoke reader role.
 */
export interface SmokeTest {
  /** The tenant whose issuer (`<issuer base>/t/<tenant>`) is exercised. */
  readonly tenant: string;
}

/** One brand in one region of one promotion stage: one BrandStack. */
export interface Deployment {
  readonly target: BrandTarget;
  readonly account: string;
  readonly smoke: SmokeTest;
}

export interface PromotionStage {
  readonly name: PromotionStageName;
  readonly account: string;
  /** In brand-file order, then region order: the BrandStacks of this stage's wave. */
  readonly deployments: readonly Deployment[];
}

export interface Promotion {
  readonly source: PipelineSource;
  /** Where the pipeline itself (and its KMS-encrypted artifact bucket) lives. */
  readonly pipeline: { readonly account: string; readonly region: string };
  /** In promotion order: test, staging, preprod, prod. */
  readonly stages: readonly PromotionStage[];
}

const ACCOUNT = /^\d{12}$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.\/-]+$/;
// Git refuses these in branch names (git-check-ref-format); whitespace would break the source action.
const BRANCH = /^(?!\/|.*\/$|.*\.\.|.*@\{)[^\s~^:?*[\\]+$/;
// Connections created as CodeStar connections keep that service prefix; new ones are CodeConnections.
const CONNECTION_ARN = /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/;

const TOP_LEVEL_FIELDS = ['$comment', 'source', 'pipeline', 'stages'];
const SOURCE_FIELDS = ['repository', 'branch', 'connectionArn'];
const PIPELINE_FIELDS = ['account', 'region'];
const STAGE_FIELDS = ['account', 'brands'];
const BRAND_FIELDS = ['brand', 'regions', 'stage', 'smoke'];
const SMOKE_FIELDS = ['tenant'];

type Fail = (field: string, problem: string) => never;

/** Reads and validates `file` against the brands in `registry`; `context` may override the source. */
export function loadPromotion(registry: BrandRegistry, context: (key: string) => unknown, file: string = DEFAULT_PROMOTION_FILE): Promotion {
  const name = path.basename(file);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BrandConfigError(`${name}: cannot be read as JSON (${(error as Error).message})`);
  }
  const promotion = parsePromotion(name, raw, registry);
  return { ...promotion, source: overrideSource(promotion.source, context) };
}

/** Validates the parsed JSON of a promotion file. `file` is used in every error message. */
export function parsePromotion(file: string, raw: unknown, registry: BrandRegistry): Promotion {
  const fail: Fail = (field, problem) => {
    throw new BrandConfigError(`${file}: field '${field}' ${problem}`);
  };
  const root = requireObject(raw, '(root)', TOP_LEVEL_FIELDS, fail);

  const sourceRaw = requireObject(root.source, 'source', SOURCE_FIELDS, fail);
  const source: PipelineSource = {
    repository: matching(sourceRaw, 'source.repository', REPOSITORY, 'an owner/name repository', fail),
    branch: matching(sourceRaw, 'source.branch', BRANCH, 'a git branch name', fail),
    connectionArn: matching(sourceRaw, 'source.connectionArn', CONNECTION_ARN, 'a CodeStar connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)', fail),
  };

  const pipelineRaw = requireObject(root.pipeline, 'pipeline', PIPELINE_FIELDS, fail);
  const pipelineRegion = requireString(pipelineRaw, 'pipeline.region', fail);
  if (!findRegion(pipelineRegion)) fail('pipeline.region', `'${pipelineRegion}' is not in the region catalog (lib/config/regions.ts)`);
  const pipeline = { account: matching(pipelineRaw, 'pipeline.account', ACCOUNT, 'a 12-digit AWS account id', fail), region: pipelineRegion };

  const stagesRaw = requireObject(root.stages, 'stages', [...PROMOTION_STAGES], fail);
  const stages: PromotionStage[] = [];
  for (const stageName of PROMOTION_STAGES) {
    if (stagesRaw[stageName] === undefined) fail(`stages.${stageName}`, `is required: every release goes through ${PROMOTION_STAGES.join(' → ')}`);
    stages.push(parseStage(stageName, stagesRaw[stageName], registry, stages[stages.length - 1], fail));
  }
  rejectStackNameClashes(stages, fail);
  return { source, pipeline, stages };
}

function parseStage(name: PromotionStageName, raw: unknown, registry: BrandRegistry, previous: PromotionStage | undefined, fail: Fail): PromotionStage {
  const prefix = `stages.${name}`;
  const stage = requireObject(raw, prefix, STAGE_FIELDS, fail);
  const account = matching(stage, `${prefix}.account`, ACCOUNT, 'a 12-digit AWS account id', fail);
  const brands = stage.brands;
  if (!Array.isArray(brands) || brands.length === 0) fail(`${prefix}.brands`, 'must list at least one brand ({"brand", "regions", "stage"})');

  const deployments: Deployment[] = [];
  const seen = new Set<string>();
  (brands as unknown[]).forEach((entryRaw, index) => {
    const field = `${prefix}.brands[${index}]`;
    const entry = requireObject(entryRaw, field, BRAND_FIELDS, fail);
    const brandId = requireString(entry, `${field}.brand`, fail);
    if (!registry.ids.includes(brandId)) fail(`${field}.brand`, `'${brandId}' is not a brand; known brands: ${registry.ids.join(', ')}`);
    if (seen.has(brandId)) fail(`${field}.brand`, `lists '${brandId}' a second time in ${name}; put all its regions in one entry`);
    seen.add(brandId);
    if (previous && !previous.deployments.some((d) => d.target.brand.id === brandId)) {
      fail(`${field}.brand`, `promotes '${brandId}' to ${name}, but ${previous.name} does not deploy it; a release reaches ${name} only through ${previous.name}`);
    }
    const brand = registry.get(brandId);

    const regions = entry.regions;
    if (!Array.isArray(regions) || regions.length === 0 || regions.some((r) => typeof r !== 'string')) {
      fail(`${field}.regions`, `must list at least one region; allowed regions for '${brandId}': ${brand.allowedRegions.join(', ')}`);
    }
    (regions as string[]).forEach((region, r) => {
      if (!brand.allowedRegions.includes(region)) {
        fail(`${field}.regions[${r}]`, `'${region}' is not allowed for brand '${brandId}' (data residency); allowed regions: ${brand.allowedRegions.join(', ')}`);
      }
      if ((regions as string[]).indexOf(region) !== r) fail(`${field}.regions`, `lists '${region}' more than once`);
    });

    // Latency records on the public name need the brand's own zone: a delegated zone holds only one
    // stack's hostname, and with pre-issued certificates the brand publishes its names itself.
    if (servesPublicName({ environment: name }) && (regions as string[]).length > 1 && brand.dns.kind !== 'hostedZones') {
      fail(
        `${field}.regions`,
        `deploys '${brandId}' to ${(regions as string[]).length} regions in ${name}, but brands/${brandId}.json has dns.${brand.dns.kind}, which cannot publish ` +
          `the latency records of its public name '${brand.domain}': give the brand dns.hostedZones, or deploy ${name} to one region`,
      );
    }

    const stageName = entry.stage;
    if (!isStageName(stageName)) fail(`${field}.stage`, `must be one of: ${STAGE_NAMES.join(', ')} (got ${JSON.stringify(stageName)})`);

    const smoke = parseSmoke(entry.smoke, `${field}.smoke`, brand.id, brand.customers, fail);
    for (const region of regions as string[]) {
      deployments.push({ target: resolveTarget(registry, { brand: brandId, region, stage: stageName, environment: name }), account, smoke });
    }
  });
  return { name, account, deployments };
}

function parseSmoke(raw: unknown, field: string, brandId: string, customers: readonly string[], fail: Fail): SmokeTest {
  if (typeof raw === 'object' && raw !== null && 'clientSecret' in raw) {
    fail(
      `${field}.clientSecret`,
      'is no longer used: each BrandStack creates its smoke client and keeps the secret in the target account, where the pipeline reads it through the stack\'s smoke reader role; remove the field (and the pipeline-account secret it named)',
    );
  }
  const smoke = raw === undefined ? {} : requireObject(raw, field, SMOKE_FIELDS, fail);
  const tenant = smoke.tenant === undefined ? customers[0] : requireString(smoke, `${field}.tenant`, fail);
  if (!customers.includes(tenant)) fail(`${field}.tenant`, `'${tenant}' is not a customer of '${brandId}'; customers: ${customers.join(', ')}`);
  return { tenant };
}

/**
 * BrandStack's physical name is brand, stage and region; two promotion stages
 * sharing an account would otherwise deploy over each other's stack.
 */
function rejectStackNameClashes(stages: readonly PromotionStage[], fail: Fail): void {
  const owners = new Map<string, PromotionStageName>();
  for (const stage of stages) {
    for (const { target } of stage.deployments) {
      const key = `${stage.account}/${target.region.code}/${target.brand.id}/${target.stage.name}`;
      const owner = owners.get(key);
      if (owner) {
        fail(
          `stages.${stage.name}.account`,
          `'${stage.account}' is also ${owner}'s account, and both deploy '${target.brand.id}' as stage ${target.stage.name} in ${target.region.code}: ` +
            'the stacks would overwrite each other; use separate accounts or different BrandStack stages',
        );
      }
      owners.set(key, stage.name);
    }
  }
}

function overrideSource(source: PipelineSource, context: (key: string) => unknown): PipelineSource {
  const fail: Fail = (key, problem) => {
    throw new BrandConfigError(`Context '${key}' ${problem}`);
  };
  const value = (key: string, pattern: RegExp, what: string, fallback: string): string => {
    const raw = context(key);
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw !== 'string' || !pattern.test(raw)) return fail(key, `must be ${what} (got ${JSON.stringify(raw)})`);
    return raw;
  };
  return {
    repository: value(SOURCE_CONTEXT.repository, REPOSITORY, 'an owner/name repository', source.repository),
    branch: value(SOURCE_CONTEXT.branch, BRANCH, 'a git branch name', source.branch),
    connectionArn: value(SOURCE_CONTEXT.connectionArn, CONNECTION_ARN, 'a CodeStar connection ARN (arn:aws:codeconnections:<region>:<account>:connection/<uuid>)', source.connectionArn),
  };
}

function requireObject(raw: unknown, field: string, known: readonly string[], fail: Fail): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(field, `must be an object with ${known.filter((k) => k !== '$comment').join(', ')}`);
  const record = raw as Record<string, unknown>;
  const prefix = field === '(root)' ? '' : `${field}.`;
  for (const key of Object.keys(record)) {
    if (!known.includes(key)) fail(`${prefix}${key}`, `is not a known field; known fields: ${known.join(', ')}`);
  }
  return record;
}

function requireString(raw: Record<string, unknown>, field: string, fail: Fail): string {
  const value = raw[field.slice(field.lastIndexOf('.') + 1)];
  if (typeof value !== 'string' || value.trim() === '') return fail(field, `is required and must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}

function matching(raw: Record<string, unknown>, field: string, pattern: RegExp, what: string, fail: Fail): string {
  const value = requireString(raw, field, fail);
  if (!pattern.test(value)) fail(field, `must be ${what} (got '${value}')`);
  return value;
}
