/**
 * How a brand's names are published and its certificates issued. A brand
 * chooses exactly one of three ways; a brand file with none is refused, because
 * without one the ingress certificate can never validate and CloudFormation
 * waits for it until ACM gives up (72 hours):
 * https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
 *
 * - `hostedZones`: per environment, a Route 53 public hosted zone in the
 *   account that environment deploys to (a hosted zone belongs to one account,
 *   and the pipeline's stages are separate accounts). Key `*` serves any
 *   environment not listed (a single-account setup needs only `*`).
 *   Certificates validate through the zone, and external-dns publishes each
 *   stack's hostname (and, in production, the latency-routed public name) into it.
 * - `delegatedSubdomain`: each BrandStack gets its own public hosted zone for
 *   its hostname, created in a DNS stack deployed first; its NS records are a
 *   stack output to add to the parent zone once.
 * - `certificates`: pre-issued ACM certificate ARNs per environment and region,
 *   for a brand that cannot delegate DNS; the brand points its names at the
 *   load balancer itself.
 */
import { DNS_NAME } from './formats';
import { isRecord, rejectUnknown, requireString, type Fail } from './fields';

export interface HostedZoneRef {
  /** Route 53 hosted zone id, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly id: string;
  /** The zone's name: the brand's domain or one of its parents. */
  readonly name: string;
}

export type BrandDns =
  | { readonly kind: 'hostedZones'; readonly hostedZones: Readonly<Record<string, HostedZoneRef>> }
  | { readonly kind: 'delegatedSubdomain' }
  | { readonly kind: 'certificates'; readonly certificates: Readonly<Record<string, string>> };

export const DNS_CHOICES = ['hostedZones', 'delegatedSubdomain', 'certificates'] as const;

/**
 * Route 53 hosted zone ids: `Z` and up to 31 upper-case letters and digits
 * (https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html gives 32 characters at most).
 */
export const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

/** An ACM certificate ARN: https://docs.aws.amazon.com/acm/latest/userguide/authen-overview.html */
export const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[0-9a-f-]{36}$/;

/** An environment name: a DNS label short enough to prefix the brand's domain. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,14}[a-z0-9]$|^[a-z]$/;

/** The `hostedZones` key that serves every environment not listed by name. */
export const ANY_ENVIRONMENT = '*';

/** The hosted zone an environment publishes into, if the brand uses hosted zones and has one for it. */
export function hostedZoneFor(dns: BrandDns, environment: string): HostedZoneRef | undefined {
  if (dns.kind !== 'hostedZones') return undefined;
  return dns.hostedZones[environment] ?? dns.hostedZones[ANY_ENVIRONMENT];
}

/** The key of a pre-issued certificate: `<environment>/<region>`. */
export function certificateKey(environment: string, region: string): string {
  return `${environment}/${region}`;
}

/** Parses the brand file's `dns` field against its `domain` and `allowedRegions`. */
export function parseDns(raw: unknown, domain: string, allowedRegions: readonly string[], fail: Fail): BrandDns {
  const choices = DNS_CHOICES.join(', ');
  if (raw === undefined) {
    return fail('dns', `is required: choose one of ${choices}, so the ingress certificate can validate without a manual step (see README, Adding a brand)`);
  }
  if (!isRecord(raw)) return fail('dns', `must be an object with exactly one of ${choices}`);
  rejectUnknown(raw, DNS_CHOICES, 'dns.', fail);
  const chosen = DNS_CHOICES.filter((choice) => raw[choice] !== undefined);
  if (chosen.length !== 1) fail('dns', `must set exactly one of ${choices} (got ${chosen.length === 0 ? 'none' : chosen.join(' and ')})`);

  if (chosen[0] === 'hostedZones') {
    const zonesRaw = raw.hostedZones;
    if (!isRecord(zonesRaw) || Object.keys(zonesRaw).length === 0) {
      return fail('dns.hostedZones', `must map at least one environment (or '${ANY_ENVIRONMENT}' for any) to a hosted zone {"id", "name"}`);
    }
    const hostedZones: Record<string, HostedZoneRef> = {};
    for (const [environment, zone] of Object.entries(zonesRaw)) {
      const field = `dns.hostedZones.${environment}`;
      if (environment !== ANY_ENVIRONMENT && !ENVIRONMENT_NAME.test(environment)) {
        fail(field, `is keyed by '${environment}', which is neither an environment name (a DNS label such as prod) nor '${ANY_ENVIRONMENT}'`);
      }
      if (!isRecord(zone)) return fail(field, 'must be an object with id and name');
      rejectUnknown(zone, ['id', 'name'], `${field}.`, fail);
      const id = requireString(zone, 'id', fail, `${field}.`);
      if (!HOSTED_ZONE_ID.test(id)) fail(`${field}.id`, `'${id}' is not a Route 53 hosted zone id (Z followed by up to 31 upper-case letters and digits)`);
      const name = requireString(zone, 'name', fail, `${field}.`);
      if (!DNS_NAME.test(name)) fail(`${field}.name`, `'${name}' is not a lower-case DNS name`);
      // The zone must hold the environment's hostnames (<region>.<environment>.<domain>);
      // the production zone also holds the public name itself.
      const mustHold = environment === ANY_ENVIRONMENT || environment === 'prod' ? domain : `${environment}.${domain}`;
      if (mustHold !== name && !mustHold.endsWith(`.${name}`)) {
        fail(`${field}.name`, `'${name}' must be '${mustHold}' or a parent of it, so the environment's records can be published there`);
      }
      hostedZones[environment] = { id, name };
    }
    return { kind: 'hostedZones', hostedZones };
  }
  if (chosen[0] === 'delegatedSubdomain') {
    if (raw.delegatedSubdomain !== true) fail('dns.delegatedSubdomain', `must be true when chosen (got ${JSON.stringify(raw.delegatedSubdomain)})`);
    return { kind: 'delegatedSubdomain' };
  }
  const certificatesRaw = raw.certificates;
  if (!isRecord(certificatesRaw) || Object.keys(certificatesRaw).length === 0) {
    return fail('dns.certificates', 'must map at least one "<environment>/<region>" to an ACM certificate ARN');
  }
  const certificates: Record<string, string> = {};
  for (const [key, arn] of Object.entries(certificatesRaw)) {
    const field = `dns.certificates.${key}`;
    const [environment, region, extra] = key.split('/');
    if (extra !== undefined || !environment || !region || !ENVIRONMENT_NAME.test(environment)) {
      fail(field, 'must be keyed "<environment>/<region>", e.g. "prod/eu-central-1"');
    }
    if (!allowedRegions.includes(region)) fail(field, `names region '${region}', which is not in allowedRegions (${allowedRegions.join(', ')})`);
    const match = typeof arn === 'string' ? CERTIFICATE_ARN.exec(arn) : null;
    if (!match) return fail(field, `must be an ACM certificate ARN (got ${JSON.stringify(arn)})`);
    // A Network Load Balancer can use only a certificate from its own region:
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/create-tls-listener.html
    if (match[1] !== region) fail(field, `is a certificate in ${match[1]}, but a load balancer in ${region} can only use a certificate from its own region`);
    certificates[key] = arn as string;
  }
  return { kind: 'certificates', certificates };
}
