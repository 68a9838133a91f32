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

/** The encryption-context keys the runtime names its own uses with: tenant, signing key id, purpose. */
export const RUNTIME_CONTEXT_KEYS = { tenant: 'brandstack:tenant', kid: 'brandstack:kid', purpose: 'brandstack:purpose' } as const;

/** One shape of encryption context under which the runtime uses the platform key directly. */
export interface PlatformKeyContext {
  /** What the runtime seals or attests under it. */
  readonly use: string;
  /** Exactly the keys the context has. */
  readonly keys: readonly string[];
  /** The `brandstack:purpose` values it carries, as IAM StringLike patterns. */
  readonly purposes: readonly string[];
}

/**
 * The encryption contexts of the runtime's seal (SIGNING_KEY_SEAL=kms,
 * runtime/src/keys/envelope-key-sealer.ts): data keys from the brand platform key, each under
 * one of these shapes. The runtime's role may use the platform key directly only with exactly
 * one of them (BrandKeys.grantSigningKeySeal), so it cannot decrypt what AWS services encrypt
 * under the platform key with their own contexts. A new shape in the runtime needs a line here.
 */
export const SIGNING_KEY_SEAL_CONTEXTS: readonly PlatformKeyContext[] = [
  {
    use: 'private signing keys and public JWK attestations',
    keys: [RUNTIME_CONTEXT_KEYS.tenant, RUNTIME_CONTEXT_KEYS.kid, RUNTIME_CONTEXT_KEYS.purpose],
    purposes: ['signing-private-key', 'signing-public-key'],
  },
  {
    use: 'document attestations (client JWKS)',
    keys: [RUNTIME_CONTEXT_KEYS.tenant, RUNTIME_CONTEXT_KEYS.purpose],
    purposes: ['document:*'],
  },
];

/**
 * The encryption context of the runtime's personal-data keys under a customer key (issue 14):
 * per-user data keys carry customer, tenant and user; a tenant's blind-index key carries
 * customer, tenant and `purpose: blind-index`. The customer key's policy checks only the
 * customer pair ({@link CUSTOMER_ENCRYPTION_CONTEXT_KEY}); the others bind each wrapped key to
 * its tenant and user (KMS refuses Decrypt under any other context).
 */
export const PERSONAL_DATA_CONTEXT_KEYS = {
  customer: CUSTOMER_ENCRYPTION_CONTEXT_KEY,
  tenant: RUNTIME_CONTEXT_KEYS.tenant,
  user: 'brandstack:user',
  purpose: RUNTIME_CONTEXT_KEYS.purpose,
} as const;

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
