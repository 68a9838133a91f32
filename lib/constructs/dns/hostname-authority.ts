import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import type { Construct } from 'constructs';
import { certificateKey, hostedZoneFor, type BrandDns } from '../../config/dns';
import type { HostnameAuthority, StackHostnameProps } from './stack-hostname';

export interface BrandNames {
  /** The brand file's `dns`. */
  readonly dns: BrandDns;
  /** The brand's public name (`domain`). */
  readonly domain: string;
  /** The stack hostname (lib/config/naming.ts, stackHostname). */
  readonly hostname: string;
  /** The environment (promotion stage) the stack belongs to. */
  readonly environment: string;
  readonly region: string;
  /** Whether this stack serves the public name (lib/config/naming.ts, servesPublicName). */
  readonly servesPublicName: boolean;
  /** The zone of the stack's BrandDnsStack; required when `dns` is `delegatedSubdomain`. */
  readonly delegatedZone?: route53.IHostedZone;
}

/**
 * Maps a brand file's `dns` choice to StackHostname's props. The zone is imported by id
 * and name (no lookup at synth); a pre-issued certificate by ARN.
 */
export function stackHostnameProps(scope: Construct, names: BrandNames): StackHostnameProps {
  const authority = authorityFor(scope, names);
  // A delegated zone holds only the stack hostname; the brand's public name is not in it.
  const publicName = names.servesPublicName && authority.kind !== 'delegated-zone' ? names.domain : undefined;
  return { hostname: names.hostname, publicName, authority };
}

function authorityFor(scope: Construct, names: BrandNames): HostnameAuthority {
  const { dns } = names;
  if (dns.kind === 'hostedZones') {
    const ref = hostedZoneFor(dns, names.environment);
    if (!ref) throw new Error(`StackHostname: the brand has no hosted zone for environment '${names.environment}' (dns.hostedZones)`);
    return { kind: 'brand-zone', zone: route53.PublicHostedZone.fromPublicHostedZoneAttributes(scope, 'BrandZone', { hostedZoneId: ref.id, zoneName: ref.name }) };
  }
  if (dns.kind === 'delegatedSubdomain') {
    if (!names.delegatedZone) throw new Error(`StackHostname: 'delegatedZone' is required for a brand with dns.delegatedSubdomain (deploy BrandDnsStack first)`);
    return { kind: 'delegated-zone', zone: names.delegatedZone };
  }
  const key = certificateKey(names.environment, names.region);
  const arn = dns.certificates[key];
  if (!arn) throw new Error(`StackHostname: the brand has no certificate for '${key}' (dns.certificates)`);
  return { kind: 'certificate', certificate: acm.Certificate.fromCertificateArn(scope, 'BrandCertificate', arn) };
}
