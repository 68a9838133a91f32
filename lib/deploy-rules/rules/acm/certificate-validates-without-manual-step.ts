import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isObject, StackTemplate, textOf } from '../../template/stack-template';

/**
 * A public ACM certificate validates without anyone acting: it is DNS-validated
 * and names, for every domain it covers (DomainName and each
 * SubjectAlternativeName), a Route 53 hosted zone that ACM writes the
 * validation record into (DomainValidationOptions[].HostedZoneId).
 *
 * The CloudFormation reference for AWS::CertificateManager::Certificate
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-certificatemanager-certificate.html):
 * "domain validation is handled automatically if all three of the following are
 * true: The certificate domain is hosted in Amazon Route 53, the domain resides
 * in your AWS account, and you are using DNS validation. However, if the
 * certificate uses email validation, or if the domain is not hosted in Route 53,
 * then the stack will remain in the CREATE_IN_PROGRESS state." HostedZoneId
 * "causes ACM to add your CNAME to the domain record"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-certificatemanager-certificate-domainvalidationoption.html).
 * Without it the deploy hangs in CREATE_IN_PROGRESS until someone adds the
 * validation record by hand, or the request times out and the stack rolls back.
 *
 * A wildcard `*.name` needs no entry of its own when `name` has one: both
 * validate with the same CNAME, and aws-cdk-lib's Certificate writes only the
 * bare name (getUniqueDnsDomainNames). When the zone is created in the same
 * stack, the domain must lie within its name. A private certificate
 * (CertificateAuthorityArn) is issued by its CA without validation. A public
 * certificate that does not say `ValidationMethod: DNS` (email, or absent) is
 * reported as email validation: the rule asks for DNS explicitly.
 */
export function CertificateValidatesWithoutManualStep(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::CertificateManager::Certificate') return NagRuleCompliance.NOT_APPLICABLE;
  const template = StackTemplate.of(node);
  const { properties } = template.resource(node);
  if (properties.CertificateAuthorityArn !== undefined) return NagRuleCompliance.NOT_APPLICABLE;
  if (String(properties.ValidationMethod ?? 'EMAIL').toUpperCase() !== 'DNS') return ['EmailValidation'];

  const domains = [properties.DomainName, ...(Array.isArray(properties.SubjectAlternativeNames) ? properties.SubjectAlternativeNames : [])].map(textOf);
  const options = (Array.isArray(properties.DomainValidationOptions) ? properties.DomainValidationOptions : []).filter(isObject);
  const zoneFor = new Map<string, unknown>();
  for (const option of options) if (option.HostedZoneId !== undefined) zoneFor.set(textOf(option.DomainName), option.HostedZoneId);

  const findings: string[] = [];
  for (const domain of new Set(domains)) {
    const covering = zoneFor.has(domain) ? domain : domain.startsWith('*.') && zoneFor.has(domain.slice(2)) ? domain.slice(2) : undefined;
    if (covering === undefined) {
      findings.push(`NoHostedZone::${domain}`);
      continue;
    }
    const zone = template.referenced(zoneFor.get(covering));
    if (zone?.type === 'AWS::Route53::HostedZone' && typeof zone.properties.Name === 'string') {
      const zoneName = zone.properties.Name.replace(/\.$/, '').toLowerCase();
      const name = covering.toLowerCase();
      if (name !== zoneName && !name.endsWith(`.${zoneName}`)) findings.push(`OutsideHostedZone::${domain}`);
    }
  }
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}
