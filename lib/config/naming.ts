/**
 * Physical names of a brand's AWS resources: the one home of these conventions.
 * BrandStack, BrandKeys, the pipeline's deployment checks and the posture model
 * all build names here, so a deployed resource is found by the name it was given.
 */

/** The reserved key name of a brand's platform key; customers may not use it. */
export const PLATFORM_KEY_NAME = 'platform';

/** What a physical name is built from: a brand id, a stage name, and (for stacks) a region code. */
export interface NamingTarget {
  readonly brand: { readonly id: string };
  readonly stage: { readonly name: string };
  readonly region: { readonly code: string };
}

/**
 * The CloudFormation stack name: brand, stage and region, so several brands and
 * stages can share an account (stack names are unique per account and region).
 */
export function brandStackName(target: NamingTarget): string {
  return `brandstack-${target.brand.id}-${target.stage.name}-${target.region.code}`;
}

/**
 * The name stem of a brand stage's data services: the Aurora cluster identifier,
 * the Amazon MQ broker name, the backup vault and the EKS cluster name.
 * DocumentDB appends `-mongo` ({@link documentDbClusterName}).
 */
export function dataName(target: Pick<NamingTarget, 'brand' | 'stage'>): string {
  return `brandstack-${target.brand.id}-${target.stage.name}`;
}

/** The Aurora PostgreSQL cluster identifier (`brandstack verify` looks it up by this name). */
export function auroraClusterIdentifier(target: Pick<NamingTarget, 'brand' | 'stage'>): string {
  return dataName(target);
}

/** The DocumentDB cluster identifier. */
export function documentDbClusterName(target: Pick<NamingTarget, 'brand' | 'stage'>): string {
  return `${dataName(target)}-mongo`;
}

/**
 * A brand key's alias: `alias/brandstack/<brand>/<customer>` for a customer key,
 * `alias/brandstack/<brand>/platform` for the platform key.
 */
export function keyAlias(brandId: string, keyName: string): string {
  return `alias/brandstack/${brandId}/${keyName}`;
}

/** The alias of a brand's platform key. */
export function platformKeyAlias(brandId: string): string {
  return keyAlias(brandId, PLATFORM_KEY_NAME);
}

/** Tag keys every resource of a brand carries; the posture model checks them. */
export const BRAND_TAGS = {
  brand: 'brandstack:brand',
  stage: 'brandstack:stage',
  residency: 'brandstack:residency-country',
} as const;

/**
 * The encryption-context key every envelope operation with a customer key must
 * carry: `{ "brandstack:customer": "<customer id>" }`. The key policy requires it,
 * so a data key generated for one customer cannot be decrypted under another
 * customer's name, and CloudTrail records which customer each call was for.
 */
export const CUSTOMER_ENCRYPTION_CONTEXT_KEY = 'brandstack:customer';

/** The environment whose stacks also serve the brand's public name (latency-routed across its regions). */
export const PRODUCTION_ENVIRONMENT = 'prod';

/** What a hostname is built from: the brand's domain, the environment and the region. */
export interface HostnameTarget {
  readonly brand: { readonly domain: string };
  /** The promotion stage (test, staging, preprod, prod), or the `environment` context of a direct deploy. */
  readonly environment: string;
  readonly region: { readonly code: string };
}

/**
 * The hostname one deployed BrandStack answers on: `<region>.<environment>.<domain>`,
 * e.g. `eu-central-1.test.id.acme.example.com`. Every brand × environment × region
 * has its own, so each pipeline stage smoke-tests what it deployed.
 */
export function stackHostname(target: HostnameTarget): string {
  return `${target.region.code}.${target.environment}.${target.brand.domain}`;
}

/** Whether this stack also answers on the brand's public name, through a latency record. */
export function servesPublicName(target: Pick<HostnameTarget, 'environment'>): boolean {
  return target.environment === PRODUCTION_ENVIRONMENT;
}

/**
 * ACM refuses a certificate whose first domain name is longer than 64 octets
 * (https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html, "Domain names").
 */
export const MAX_CERTIFICATE_NAME_LENGTH = 64;
