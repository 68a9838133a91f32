/**
 * The brand registry: every `brands/<id>.json`, validated. Resolving a
 * deployment target (brand, region, stage) from CDK context also lives here so
 * that bin/ stays a few lines and every refusal has one wording.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseBrand, type BrandConfig } from './brand';
import { ANY_ENVIRONMENT, certificateKey, ENVIRONMENT_NAME, hostedZoneFor } from './dns';
import { BrandConfigError } from './errors';
import { MAX_CERTIFICATE_NAME_LENGTH, stackHostname } from './naming';
import { findRegion, type RegionEntry } from './regions';
import { STAGE_NAMES, STAGE_PROFILES, isStageName, type StageProfile } from './stages';

export const DEFAULT_BRANDS_DIR = path.join(__dirname, '..', '..', 'brands');

export class BrandRegistry {
  /** Reads and validates every `*.json` file in `dir`. The first malformed file stops the load. */
  static load(dir: string = DEFAULT_BRANDS_DIR): BrandRegistry {
    const files = fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
    const brands = files.map((name) => {
      const file = path.join(path.basename(dir), name);
      let raw: unknown;
      try {
        raw = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      } catch (error) {
        throw new BrandConfigError(`${file}: not valid JSON (${(error as Error).message})`);
      }
      const brand = parseBrand(file, raw);
      if (`${brand.id}.json` !== name) throw new BrandConfigError(`${file}: field 'id' is '${brand.id}' but the file must be named ${brand.id}.json`);
      return brand;
    });
    return new BrandRegistry(brands);
  }

  private readonly byId: Map<string, BrandConfig>;

  constructor(readonly brands: readonly BrandConfig[]) {
    this.byId = new Map(brands.map((brand) => [brand.id, brand]));
  }

  get ids(): string[] {
    return [...this.byId.keys()];
  }

  get(id: string): BrandConfig {
    const brand = this.byId.get(id);
    if (!brand) throw new BrandConfigError(`Unknown brand '${id}'; known brands: ${this.ids.join(', ') || '(none)'}`);
    return brand;
  }
}

/** One deployment of one brand: what BrandStack is built from. */
export interface BrandTarget {
  readonly brand: BrandConfig;
  readonly region: RegionEntry;
  readonly stage: StageProfile;
  /**
   * The environment the stack belongs to: the promotion stage in the pipeline
   * (test, staging, preprod, prod), or the `environment` context of a direct
   * deploy (default: the stage name). It names the stack's hostname.
   */
  readonly environment: string;
}

export interface TargetRequest {
  readonly brand?: unknown;
  readonly region?: unknown;
  readonly stage?: unknown;
  readonly environment?: unknown;
}

/** Resolves context values into a target, refusing anything residency or the brand file does not allow. */
export function resolveTarget(registry: BrandRegistry, request: TargetRequest, defaultBrand = 'acme'): BrandTarget {
  const brandId = optionalString(request.brand, 'brand') ?? defaultBrand;
  const brand = registry.get(brandId);

  const regionCode = optionalString(request.region, 'region') ?? brand.homeRegion;
  const region = findRegion(regionCode);
  if (!region || !brand.allowedRegions.includes(regionCode)) {
    const why = region ? `is not allowed for brand '${brand.id}' (data residency)` : 'is not in the region catalog';
    throw new BrandConfigError(`Region '${regionCode}' ${why}; allowed regions for '${brand.id}': ${brand.allowedRegions.join(', ')}`);
  }

  const stageName = optionalString(request.stage, 'stage') ?? brand.defaultStage;
  if (!isStageName(stageName)) throw new BrandConfigError(`Unknown stage '${stageName}'; allowed stages: ${STAGE_NAMES.join(', ')}`);

  const environment = optionalString(request.environment, 'environment') ?? stageName;
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new BrandConfigError(`Context 'environment' '${environment}' must be a DNS label of 1-16 lower-case letters, digits and hyphens, starting with a letter (e.g. test, staging, prod)`);
  }
  const hostname = stackHostname({ brand, environment, region });
  if (hostname.length > MAX_CERTIFICATE_NAME_LENGTH) {
    throw new BrandConfigError(
      `Hostname '${hostname}' of brand '${brand.id}' is ${hostname.length} characters; ACM certificates allow ${MAX_CERTIFICATE_NAME_LENGTH}: use a shorter environment name or domain`,
    );
  }
  if (brand.dns.kind === 'hostedZones' && !hostedZoneFor(brand.dns, environment)) {
    throw new BrandConfigError(
      `Brand '${brand.id}' has no hosted zone for environment '${environment}': add "${environment}" (or "${ANY_ENVIRONMENT}") to dns.hostedZones in brands/${brand.id}.json ` +
        `(it has: ${Object.keys(brand.dns.hostedZones).join(', ')})`,
    );
  }
  if (brand.dns.kind === 'certificates' && !brand.dns.certificates[certificateKey(environment, regionCode)]) {
    throw new BrandConfigError(
      `Brand '${brand.id}' has no certificate for environment '${environment}' in ${regionCode}: add "${certificateKey(environment, regionCode)}" to dns.certificates in brands/${brand.id}.json ` +
        `(it has: ${Object.keys(brand.dns.certificates).join(', ')})`,
    );
  }

  return { brand, region, stage: STAGE_PROFILES[stageName], environment };
}

function optionalString(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new BrandConfigError(`Context '${key}' must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}
