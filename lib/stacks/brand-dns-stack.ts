import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { BRAND_TAGS, brandStackName, stackHostname } from '../config/naming';
import type { BrandTarget } from '../config/registry';
import { DelegatedZone } from '../constructs/dns/delegated-zone';

export interface BrandDnsStackProps extends StackProps {
  /** The brand, region, stage and environment of the BrandStack this zone serves. */
  readonly target: BrandTarget;
}

/** The stack name of a target's BrandDnsStack: its BrandStack's name and `-dns`. */
export function brandDnsStackName(target: BrandTarget): string {
  return `${brandStackName(target)}-dns`;
}

/**
 * The public hosted zone of one BrandStack's hostname, for a brand that delegates a
 * subdomain (`dns.delegatedSubdomain`). A stack of its own, deployed before BrandStack:
 * the zone must exist and be delegated from the parent zone (the `NameServers` output,
 * added once as an NS record by the parent's owner) before BrandStack's certificate can
 * validate in it. BrandStack depends on this stack.
 */
export class BrandDnsStack extends Stack {
  readonly zone: route53.IHostedZone;

  constructor(scope: Construct, id: string, props: BrandDnsStackProps) {
    const { brand, region, stage } = props.target;
    const hostname = stackHostname(props.target);
    super(scope, id, {
      stackName: brandDnsStackName(props.target),
      description:
        `brandstack: DNS zone of ${hostname} (${brand.id}, stage ${stage.name}, ${region.code}). ` +
        `One-time step after the first deploy: add the NameServers output as an NS record '${hostname}' in the parent zone.`,
      ...props,
      env: { account: props.env?.account, region: region.code },
    });
    Tags.of(this).add(BRAND_TAGS.brand, brand.id);
    Tags.of(this).add(BRAND_TAGS.stage, stage.name);
    Tags.of(this).add(BRAND_TAGS.residency, region.countryCode);

    this.zone = new DelegatedZone(this, 'Delegated', { zoneName: hostname }).zone;
  }
}
