/**
 * Which managed services and instance classes BrandStack uses are offered in
 * each catalog region, each entry with the AWS page it comes from. A region
 * that lacks one cannot host the stack: a brand file allowing it is refused at
 * parse (lib/config/brand.ts), naming the service, the region and the catalog
 * regions of the same country (or area) that offer everything.
 *
 * Every entry was read from the page it cites. Where
 * AWS publishes no per-region list and says to ask the account instead (EC2
 * instance types, Aurora provisioned instance classes), the entry says so
 * (`account`), and `brandstack preflight` asks the target account
 * (lib/preflight/region-services.ts). A region a page does not mention is
 * `absent`; a fact no page could confirm would be `unverified`: both refuse.
 *
 * To refresh: re-read each source, update the region sets below, and run
 * `npx jest test/config/service-availability.test.ts`.
 */
import { REGION_CATALOG, type RegionEntry } from './regions';
import type { StageName } from './stages';

/** The values BrandStack uses, kept beside the table that vouches for them (constructs pin the same values). */
export const USED = {
  documentDbInstanceClass: 'db.r6g.large',
  rabbitMqEngineVersion: '3.13',
  rabbitMqInstanceType: 'mq.m5.large',
  auroraPostgresVersion: '17.7',
  auroraProvisionedInstanceClass: 'db.r7g.large',
  bastionInstanceType: 't4g.micro',
} as const;

/** What a region offers for one capability. */
export type Availability =
  /** The source lists the region. */
  | 'offered'
  /** The source lists regions, and this one is not among them. */
  | 'absent'
  /** AWS publishes no per-region list; it documents an API that answers per account and region (checked by preflight). */
  | 'account'
  /** No source could confirm it: treated as not offered. */
  | 'unverified';

export interface Capability {
  /** Stable key, e.g. `documentDb`. */
  readonly key: string;
  /** What is needed, with the exact value BrandStack uses. */
  readonly description: string;
  /** The AWS documentation page the entries come from. */
  readonly source: string;
  /** Whether a target needs it (e.g. provisioned instances only when the brand asks for them). */
  readonly neededBy: (need: CapabilityNeed) => boolean;
  /** Per catalog region. */
  readonly regions: Readonly<Record<string, Availability>>;
}

/** What decides whether a capability is needed. */
export interface CapabilityNeed {
  /** Aurora capacity mode per stage (`serverless` or `provisioned`), as in the brand file. */
  readonly database: Readonly<Record<StageName, string>>;
  /** The stage being deployed; undefined means any stage the brand may use. */
  readonly stage?: StageName;
}

const CATALOG_CODES = REGION_CATALOG.map((entry) => entry.code);

/** Every catalog region offered, except the listed ones (absent from the source). */
function allExcept(...missing: string[]): Record<string, Availability> {
  return Object.fromEntries(CATALOG_CODES.map((code) => [code, missing.includes(code) ? 'absent' : 'offered']));
}

/** The same answer in every catalog region. */
function everywhere(availability: Availability): Record<string, Availability> {
  return Object.fromEntries(CATALOG_CODES.map((code) => [code, availability]));
}

const always = () => true;

export const CAPABILITIES: readonly Capability[] = [
  {
    key: 'documentDb',
    description: `Amazon DocumentDB ${USED.documentDbInstanceClass} instances (R6G class)`,
    // "Supported instance classes by Region": R6G is listed for every catalog region but Middle East (Bahrain),
    // which the table (and the region list of regions-and-azs.html) does not mention at all.
    source: 'https://docs.aws.amazon.com/documentdb/latest/developerguide/db-instance-classes.html#db-instance-classes-by-region',
    neededBy: always,
    regions: allExcept('me-south-1', 'us-west-1'),
  },
  {
    key: 'rabbitMq',
    description: `Amazon MQ for RabbitMQ ${USED.rabbitMqEngineVersion} on ${USED.rabbitMqInstanceType}, single-instance and three-node cluster deployments`,
    // The release notes date Amazon MQ's arrival in each region (all 25 catalog regions, the last four on
    // May 18, 2023); RabbitMQ brokers came to "all regions that Amazon MQ is currently available" (Nov 4, 2020)
    // and to each region added since. RabbitMQ 3.13 runs on mq.t3, mq.m5 and mq.m7g with no regional exception
    // (rabbitmq-version-management.html); mq.m7g does have exceptions (af-south-1, ca-west-1, eu-south-1), mq.m5 none.
    source: 'https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-release-notes.html',
    neededBy: always,
    regions: allExcept(),
  },
  {
    key: 'auroraServerlessV2',
    description: `Aurora PostgreSQL ${USED.auroraPostgresVersion} with Aurora Serverless v2`,
    // "Aurora Serverless v2 with Aurora PostgreSQL": every catalog region lists "Version 17.4 and higher".
    source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.Aurora_Fea_Regions_DB-eng.Feature.ServerlessV2.html',
    neededBy: always,
    regions: allExcept(),
  },
  {
    key: 'auroraProvisioned',
    description: `Aurora PostgreSQL ${USED.auroraPostgresVersion} provisioned ${USED.auroraProvisionedInstanceClass} instances`,
    // AWS documents no per-region table of Aurora instance classes; it says to ask
    // describe-orderable-db-instance-options (or the pricing page) per region.
    source: 'https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.RegionSupportAurora.html',
    neededBy: ({ database, stage }) => (stage ? database[stage] === 'provisioned' : Object.values(database).includes('provisioned')),
    regions: everywhere('account'),
  },
  {
    key: 'eksAutoMode',
    description: 'Amazon EKS with EKS Auto Mode',
    // "EKS Auto Mode is not available in the ap-southeast-7 or mx-central-1 AWS Regions": neither is in the catalog.
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/create-auto.html',
    neededBy: always,
    regions: allExcept(),
  },
  {
    key: 'eksPodIdentity',
    description: 'EKS Pod Identity',
    // "This capability is built into EKS Auto Mode": offered wherever Auto Mode is.
    source: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-id-agent-setup.html',
    neededBy: always,
    regions: allExcept(),
  },
  {
    key: 'awsBackup',
    description: 'AWS Backup (Aurora continuous backups, DocumentDB snapshots, vault lock)',
    // "Feature availability by AWS Region" lists every catalog region; Aurora is supported "in all Regions in
    // which AWS Backup and the listed resource operates".
    source: 'https://docs.aws.amazon.com/aws-backup/latest/devguide/backup-feature-availability.html',
    neededBy: always,
    regions: allExcept(),
  },
  {
    key: 'bastionInstanceType',
    description: `EC2 ${USED.bastionInstanceType} (the bastion)`,
    // Instance type offerings differ per region and per zone; DescribeInstanceTypeOfferings "lists the instance
    // types that are offered for the specified location".
    source: 'https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-instance-type-offerings.html',
    neededBy: always,
    regions: everywhere('account'),
  },
  {
    key: 'natGateway',
    description: 'NAT gateways (one per zone)',
    // A VPC feature with a per-zone quota (L-FE5A380F); preflight reads that quota in the target region.
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html',
    neededBy: always,
    regions: everywhere('account'),
  },
  {
    key: 'acm',
    description: 'AWS Certificate Manager public certificates',
    // ACM is regional; preflight calls it in the target region (DescribeCertificate, or ListCertificates).
    source: 'https://docs.aws.amazon.com/general/latest/gr/acm.html',
    neededBy: always,
    regions: everywhere('account'),
  },
  {
    key: 'route53HealthChecks',
    description: 'Route 53 health checks and latency records',
    // "Hosted zones, records, health checks ...": one endpoint, route53.amazonaws.com, listed for every region
    // (requests are signed for us-east-1 outside China); the health checks do not depend on the stack's region.
    source: 'https://docs.aws.amazon.com/general/latest/gr/r53.html',
    neededBy: always,
    regions: everywhere('offered'),
  },
];

/** A capability a region cannot provide, and why. */
export interface MissingCapability {
  readonly capability: Capability;
  readonly availability: Exclude<Availability, 'offered' | 'account'>;
}

/** The capabilities `regionCode` lacks for `need` (empty when it can host the stack). */
export function missingIn(regionCode: string, need: CapabilityNeed): MissingCapability[] {
  const missing: MissingCapability[] = [];
  for (const capability of CAPABILITIES) {
    if (!capability.neededBy(need)) continue;
    const availability = capability.regions[regionCode] ?? 'unverified';
    if (availability === 'absent' || availability === 'unverified') missing.push({ capability, availability });
  }
  return missing;
}

/** Capabilities AWS answers only per account (checked by `brandstack preflight`). */
export function accountChecked(regionCode: string, need: CapabilityNeed): Capability[] {
  return CAPABILITIES.filter((capability) => capability.neededBy(need) && capability.regions[regionCode] === 'account');
}

/**
 * Deployable catalog regions that offer everything `need` asks for, nearest
 * first: the same country, else the same residency area.
 */
export function alternativesFor(region: RegionEntry, need: CapabilityNeed): { readonly within: string; readonly codes: string[] } {
  const hosting = REGION_CATALOG.filter((entry) => entry.code !== region.code && !entry.refusedBecause && missingIn(entry.code, need).length === 0);
  const sameCountry = hosting.filter((entry) => entry.countryCode === region.countryCode);
  if (sameCountry.length > 0) return { within: region.country, codes: sameCountry.map((entry) => entry.code) };
  return { within: region.area, codes: hosting.filter((entry) => entry.area === region.area).map((entry) => entry.code) };
}

/** One sentence: why `region` cannot host the stack, and where to go instead; undefined when it can. */
export function refusalFor(region: RegionEntry, need: CapabilityNeed): string | undefined {
  const missing = missingIn(region.code, need);
  if (missing.length === 0) return undefined;
  const what = missing
    .map(({ capability, availability }) => `${capability.description} ${availability === 'absent' ? 'is not offered there' : 'could not be confirmed there'} (${capability.source})`)
    .join('; ');
  const { within, codes } = alternativesFor(region, need);
  const where = codes.length > 0 ? `regions in ${within} that offer everything: ${codes.join(', ')}` : `no catalog region in ${within} offers everything`;
  return `${region.code} (${region.location}) cannot host BrandStack: ${what}; ${where}`;
}
