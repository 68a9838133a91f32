/**
 * The brand schema: what a file under `brands/` declares, and its validation.
 * Every error names the file and the field, and for enumerations the allowed
 * values, so a typo is fixed without reading this code.
 */
import { isPrivate, overlaps, parseCidr, type Ipv4Cidr } from './cidr';
import { BrandConfigError } from './errors';
import { DNS_NAME, EMAIL_ADDRESS } from './formats';
import { parseOperators, type BrandOperators } from './access';
import { parseDns, type BrandDns } from './dns';
import { isRecord, rejectDuplicates, rejectUnknown, requireString, requireStringArray, type Fail } from './fields';
import { PLATFORM_KEY_NAME } from './naming';
import { deployableRegionCodes, findRegion } from './regions';
import { refusalFor } from './service-availability';
import { STAGE_NAMES, isStageName, type StageName } from './stages';

export type DatabaseMode = 'serverless' | 'provisioned';
export const DATABASE_MODES: readonly DatabaseMode[] = ['serverless', 'provisioned'];

export interface BrandNetwork {
  /** Application VPC: ingress, EKS nodes, Aurora. /16 to /20. */
  readonly appCidr: string;
  /** MongoDB (DocumentDB) VPC. /16 to /24. */
  readonly mongoCidr: string;
  /** RabbitMQ (Amazon MQ) VPC. /16 to /24. */
  readonly rabbitCidr: string;
  /** The company VPN: the only source that may reach the bastion. At most /16. */
  readonly vpnCidr: string;
}

export interface BrandConfig {
  /** DNS-safe identifier; also the file name (`brands/<id>.json`). */
  readonly id: string;
  readonly displayName: string;
  /** The region a deploy goes to when none is given. */
  readonly homeRegion: string;
  /** Every region the brand's data may live in (data residency). Includes the home region. */
  readonly allowedRegions: readonly string[];
  readonly defaultStage: StageName;
  /** Customer (tenant) ids; each gets its own KMS key, `alias/brandstack/<brand>/<customer>`. */
  readonly customers: readonly string[];
  readonly network: BrandNetwork;
  /** Public domain the identity services answer on. */
  readonly domain: string;
  /** Where security alarms (bastion intrusion signals) are sent. */
  readonly securityContactEmail: string;
  /** Aurora capacity mode per stage. Serverless v2 unless a stage says otherwise. */
  readonly database: Readonly<Record<StageName, DatabaseMode>>;
  /** How the brand's hostnames are published and its certificates validated (lib/config/dns.ts). */
  readonly dns: BrandDns;
  /** Operator roles for the cluster, and the administrators of the brand's keys (lib/config/access.ts). */
  readonly operators: BrandOperators;
}

/** A brand id: part of every alias, stack and resource name. */
export const BRAND_ID = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
/**
 * A customer id: a DNS label (lower-case letters, digits and inner hyphens, at most 63).
 * KMS alias names allow [a-zA-Z0-9/_-]; the id also appears in Kubernetes names and tags, and
 * the runtime accepts exactly this form when a tenant names its customer
 * (runtime/src/tenants/provisioning.ts CUSTOMER_ID), so a customer the brand file lists can
 * always be onboarded. No comma: BRANDSTACK_CUSTOMERS is comma-separated.
 */
export const CUSTOMER_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** The platform key's alias suffix; a customer with this id would collide with it. */

const TOP_LEVEL_FIELDS = ['id', 'displayName', 'homeRegion', 'allowedRegions', 'defaultStage', 'customers', 'network', 'domain', 'securityContactEmail', 'database', 'dns', 'operators'];
const NETWORK_FIELDS = ['appCidr', 'mongoCidr', 'rabbitCidr', 'vpnCidr'];

/** Validates the parsed JSON of one brand file. `file` is used in every error message. */
export function parseBrand(file: string, raw: unknown): BrandConfig {
  const fail = (field: string, problem: string): never => {
    throw new BrandConfigError(`${file}: field '${field}' ${problem}`);
  };
  if (!isRecord(raw)) return fail('(root)', 'must be a JSON object');
  rejectUnknown(raw, TOP_LEVEL_FIELDS, '', fail);

  const id = requireString(raw, 'id', fail);
  if (!BRAND_ID.test(id)) fail('id', `'${id}' must be DNS-safe: 2-32 lower-case letters, digits and hyphens, starting with a letter`);
  const displayName = requireString(raw, 'displayName', fail);

  const deployable = deployableRegionCodes();
  const checkRegion = (field: string, code: string) => {
    const entry = findRegion(code);
    if (!entry) fail(field, `'${code}' is not in the region catalog; allowed: ${deployable.join(', ')}`);
    if (entry?.refusedBecause) fail(field, `'${code}' is refused: ${entry.refusedBecause}`);
  };
  const homeRegion = requireString(raw, 'homeRegion', fail);
  checkRegion('homeRegion', homeRegion);
  const allowedRegions = requireStringArray(raw, 'allowedRegions', fail);
  if (allowedRegions.length === 0) fail('allowedRegions', 'must list at least one region');
  allowedRegions.forEach((code, index) => checkRegion(`allowedRegions[${index}]`, code));
  rejectDuplicates(allowedRegions, 'allowedRegions', fail);
  if (!allowedRegions.includes(homeRegion)) fail('allowedRegions', `must include the home region '${homeRegion}'`);

  const defaultStage = raw.defaultStage;
  if (!isStageName(defaultStage)) fail('defaultStage', `must be one of: ${STAGE_NAMES.join(', ')} (got ${JSON.stringify(defaultStage)})`);

  const customers = requireStringArray(raw, 'customers', fail);
  if (customers.length === 0) fail('customers', 'must list at least one customer id');
  customers.forEach((customer, index) => {
    if (!CUSTOMER_ID.test(customer)) {
      fail(`customers[${index}]`, `'${customer}' cannot be a customer id (in its KMS key alias and for the runtime): use 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit`);
    }
    if (customer === PLATFORM_KEY_NAME) fail(`customers[${index}]`, `'${customer}' is reserved: alias/brandstack/<brand>/${PLATFORM_KEY_NAME} is the brand platform key`);
  });
  rejectDuplicates(customers, 'customers', fail);

  const network = parseNetwork(raw.network, fail);

  const domain = requireString(raw, 'domain', fail);
  if (!DNS_NAME.test(domain)) fail('domain', `'${domain}' is not a lower-case DNS name such as id.example.com`);
  const securityContactEmail = requireString(raw, 'securityContactEmail', fail);
  if (!EMAIL_ADDRESS.test(securityContactEmail)) fail('securityContactEmail', `'${securityContactEmail}' is not an e-mail address`);

  const database = parseDatabase(raw.database, fail);
  // Every allowed region must offer what the stack uses (lib/config/service-availability.ts, with its sources).
  allowedRegions.forEach((code, index) => {
    const refusal = refusalFor(findRegion(code)!, { database });
    if (refusal) fail(`allowedRegions[${index}]`, refusal);
  });
  const dns = parseDns(raw.dns, domain, allowedRegions, fail);
  const operators = parseOperators(raw.operators, fail);

  return { id, displayName, homeRegion, allowedRegions, defaultStage: defaultStage as StageName, customers, network, domain, securityContactEmail, database, dns, operators };
}

function parseNetwork(raw: unknown, fail: Fail): BrandNetwork {
  if (!isRecord(raw)) return fail('network', `must be an object with ${NETWORK_FIELDS.join(', ')}`);
  rejectUnknown(raw, NETWORK_FIELDS, 'network.', fail);
  const cidr = (field: keyof BrandNetwork, minPrefix: number, maxPrefix: number, mustBePrivate: boolean): Ipv4Cidr => {
    const text = requireString(raw, field, fail, 'network.');
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') return fail(`network.${field}`, `'${text}' ${parsed}`);
    if (parsed.prefix < minPrefix) {
      fail(`network.${field}`, `'${text}' is wider than /${minPrefix}` + (parsed.prefix === 0 ? ' (0.0.0.0/0 would open the bastion to the internet)' : ''));
    }
    if (parsed.prefix > maxPrefix) fail(`network.${field}`, `'${text}' is narrower than /${maxPrefix}`);
    if (mustBePrivate && !isPrivate(parsed)) fail(`network.${field}`, `'${text}' must be inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)`);
    return parsed;
  };
  // App VPC needs room for public, workload and database subnets in three zones.
  const app = cidr('appCidr', 16, 20, true);
  const mongo = cidr('mongoCidr', 16, 24, true);
  const rabbit = cidr('rabbitCidr', 16, 24, true);
  const vpn = cidr('vpnCidr', 16, 32, false);
  const named: Array<[string, Ipv4Cidr]> = [['network.appCidr', app], ['network.mongoCidr', mongo], ['network.rabbitCidr', rabbit], ['network.vpnCidr', vpn]];
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) {
      if (overlaps(named[i][1], named[j][1])) {
        fail(`${named[i][0]}`, `'${named[i][1].text}' overlaps field '${named[j][0]}' ('${named[j][1].text}'); the three VPCs and the VPN must not overlap`);
      }
    }
  }
  return { appCidr: app.text, mongoCidr: mongo.text, rabbitCidr: rabbit.text, vpnCidr: vpn.text };
}

function parseDatabase(raw: unknown, fail: Fail): Record<StageName, DatabaseMode> {
  const result: Record<StageName, DatabaseMode> = { low: 'serverless', high: 'serverless' };
  if (raw === undefined) return result;
  if (!isRecord(raw)) return fail('database', `must be an object mapping ${STAGE_NAMES.join('/')} to ${DATABASE_MODES.join(' or ')}`);
  rejectUnknown(raw, STAGE_NAMES as string[], 'database.', fail);
  for (const stage of STAGE_NAMES) {
    const mode = raw[stage];
    if (mode === undefined) continue;
    if (!(DATABASE_MODES as readonly unknown[]).includes(mode)) fail(`database.${stage}`, `must be one of: ${DATABASE_MODES.join(', ')} (got ${JSON.stringify(mode)})`);
    result[stage] = mode as DatabaseMode;
  }
  return result;
}
