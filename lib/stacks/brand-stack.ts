import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BrandTarget } from '../config/registry';
import { BrandKeys } from '../constructs/keys/brand-keys';
import { BrandVpcs } from '../constructs/network/brand-vpcs';

export interface BrandStackProps extends StackProps {
  /** The brand, region and stage this stack is for. */
  readonly target: BrandTarget;
}

/** Tag keys every resource of a brand carries. */
export const BRAND_TAGS = {
  brand: 'brandstack:brand',
  stage: 'brandstack:stage',
  residency: 'brandstack:residency-country',
} as const;

/** The physical CloudFormation stack name: brand, stage and region, so brands can share an account. */
export function brandStackName(target: BrandTarget): string {
  return `brandstack-${target.brand.id}-${target.stage.name}-${target.region.code}`;
}

/**
 * One brand's dedicated, isolated, encrypted stack. Composition only: each
 * concern is a construct under lib/constructs/, given the few props it needs.
 */
export class BrandStack extends Stack {
  readonly target: BrandTarget;
  readonly keys: BrandKeys;
  readonly vpcs: BrandVpcs;

  constructor(scope: Construct, id: string, props: BrandStackProps) {
    const { brand, region, stage } = props.target;
    super(scope, id, {
      stackName: brandStackName(props.target),
      description: `brandstack: ${brand.displayName} (${brand.id}), stage ${stage.name}, ${region.code} (${region.country})`,
      terminationProtection: stage.name === 'high',
      ...props,
      env: { account: props.env?.account, region: region.code },
    });
    this.target = props.target;

    Tags.of(this).add(BRAND_TAGS.brand, brand.id);
    Tags.of(this).add(BRAND_TAGS.stage, stage.name);
    Tags.of(this).add(BRAND_TAGS.residency, region.countryCode);

    this.keys = new BrandKeys(this, 'Keys', {
      brandId: brand.id,
      customers: brand.customers,
      deletionWindow: stage.keyDeletionWindow,
      removalPolicy: stage.removalPolicy,
    });

    this.vpcs = new BrandVpcs(this, 'Network', {
      zones: region.zones,
      appCidr: brand.network.appCidr,
      mongoCidr: brand.network.mongoCidr,
      rabbitCidr: brand.network.rabbitCidr,
    });
  }
}
