/**
 * Physical names of a brand's AWS resources: the one home of these conventions.
 * BrandStack, BrandKeys, the pipeline's deployment checks and the posture model
 * all build names here, so a deployed resource is found by the name it was given.
 * Resources that may outlive their stack are not found by name: their names
 * carry the stack-creation suffix, and `brandstack verify` finds them through
 * the stack's resources.
 */
import { Aws, Fn } from 'aws-cdk-lib';

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
 * The stem of the physical names a brand stage must fix (the Amazon MQ broker,
 * the backup vault, the EKS cluster, the rotation functions): `<brand>-<stage>`,
 * at most 32 + 1 + 4 = 37 characters. Always followed by the stack-creation
 * suffix ({@link withStackCreationSuffix}): these resources outlive their stack
 * in high, so a fixed name would collide with the next stack's.
 */
export function resourceNamePrefix(target: Pick<NamingTarget, 'brand' | 'stage'>): string {
  return `${target.brand.id}-${target.stage.name}`;
}

/** Characters {@link stackCreationSuffix} resolves to: the first group of the stack id's UUID, 8 hex digits. */
export const STACK_CREATION_SUFFIX_LENGTH = 8;

/**
 * A token for the first group of the UUID in this stack's id
 * (`arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`): the same
 * for every update of one stack, different for a stack created again after a
 * deletion or a rolled-back create. The template stays deterministic (it holds
 * `Fn::Select`/`Fn::Split` over `AWS::StackId`, not a value chosen at synth).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html#cfn-pseudo-param-stackid
 */
export function stackCreationSuffix(): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));
}

/**
 * `<prefix>-<stack-creation suffix>`: the physical name of a resource that must
 * be named (CloudFormation cannot generate it, or a service writes to a name
 * derived from it before CloudFormation could reference it) and may outlive its
 * stack. {@link STACK_CREATION_SUFFIX_LENGTH} + 1 characters longer than `prefix`.
 */
export function withStackCreationSuffix(prefix: string): string {
  return `${prefix}-${stackCreationSuffix()}`;
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

/**
 * The host of the runtime's issuer (`ISSUER_BASE_URL`): the brand's public name
 * where the stack serves it (production, unless the brand delegates only each
 * stack's own subdomain, which cannot carry the public name), else the stack's
 * own hostname. The chart sets it and the pipeline's smoke test expects it, from
 * this one place.
 */
export function issuerHost(target: HostnameTarget & { readonly brand: { readonly dns: { readonly kind: string } } }): string {
  const publicName = servesPublicName(target) && target.brand.dns.kind !== 'delegatedSubdomain';
  return publicName ? target.brand.domain : stackHostname(target);
}
