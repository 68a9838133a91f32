/**
 * The stack's name can be published and its certificate issued, per the
 * brand's DNS choice (lib/config/dns.ts):
 * - hostedZones: the environment's hosted zone exists in this account, is
 *   public, and has the name the brand file gives (a DNS-validated certificate
 *   otherwise waits until ACM gives up, 72 hours:
 *   https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html);
 * - certificates: the pre-issued certificate exists in the region, is ISSUED,
 *   and covers the stack's hostname (and the public name in production)
 *   (https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html);
 * - delegatedSubdomain: nothing to check; the stack creates the zone.
 */
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { certificateKey, hostedZoneFor } from '../config/dns';
import { servesPublicName, stackHostname } from '../config/naming';
import { callAws, isNotFound, result, type PreflightCheck } from './check';

export const dnsReadiness: PreflightCheck = async ({ target, clients }) => {
  const { brand, environment } = target;
  const region = target.region.code;
  const hostname = stackHostname(target);

  if (brand.dns.kind === 'delegatedSubdomain') {
    return result('DNS (delegated subdomain)', true, `the stack creates public hosted zone ${hostname}; add the NS records of its output to the parent zone once`);
  }

  if (brand.dns.kind === 'hostedZones') {
    const zone = hostedZoneFor(brand.dns, environment)!;
    const name = `Hosted zone ${zone.id} (${zone.name})`;
    let found;
    try {
      found = await callAws('route53:GetHostedZone', region, () => clients.route53.send(new GetHostedZoneCommand({ Id: zone.id })));
    } catch (error) {
      if (!isNotFound(error, 'NoSuchHostedZone')) throw error;
      return result(name, false, `no hosted zone ${zone.id} in this account; create it or fix dns.hostedZones in brands/${brand.id}.json`);
    }
    const actualName = (found.HostedZone?.Name ?? '').replace(/\.$/, '');
    const isPrivate = found.HostedZone?.Config?.PrivateZone === true;
    const holds = !isPrivate && actualName === zone.name;
    return result(name, holds, `${isPrivate ? 'private' : 'public'} zone named ${actualName}; expected a public zone named ${zone.name}`);
  }

  const key = certificateKey(environment, region);
  const arn = brand.dns.certificates[key]!;
  const needed = servesPublicName(target) ? [hostname, brand.domain] : [hostname];
  const name = `Certificate ${key}`;
  let certificate;
  try {
    certificate = (await callAws('acm:DescribeCertificate', region, () => clients.acm.send(new DescribeCertificateCommand({ CertificateArn: arn })))).Certificate;
  } catch (error) {
    if (!isNotFound(error, 'ResourceNotFoundException')) throw error;
    return result(name, false, `no certificate ${arn} in ${region}`);
  }
  const names = [certificate?.DomainName, ...(certificate?.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n);
  const uncovered = needed.filter((host) => !names.some((covered) => covers(covered, host)));
  const status = certificate?.Status ?? 'unknown';
  const holds = status === 'ISSUED' && uncovered.length === 0;
  return result(name, holds, `status ${status}, covers ${names.join(', ') || 'nothing'}` + (uncovered.length > 0 ? `; does not cover ${uncovered.join(', ')}` : ''));
};

/** Whether a certificate name covers `host`: equal, or a wildcard for exactly one leftmost label (RFC 6125 §6.4.3). */
export function covers(certificateName: string, host: string): boolean {
  const name = certificateName.toLowerCase();
  if (name === host) return true;
  if (!name.startsWith('*.')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === name.slice(2);
}
