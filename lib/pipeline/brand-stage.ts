import { Stage, type StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BrandTarget } from '../config/registry';
import { acknowledgeBrandStackFindings, addCompliancePacks } from '../nag/compliance';
import { BrandStack } from '../stacks/brand-stack';

export interface BrandStageProps extends StageProps {
  /** The brand, region and BrandStack stage this pipeline Stage deploys. */
  readonly target: BrandTarget;
  /** The account of the promotion stage (test, staging, preprod or prod). */
  readonly account: string;
}

/**
 * One BrandStack as a pipeline Stage. The compliance packs are registered on
 * this Stage: policy validation runs per Stage, so packs registered on the App
 * never see stacks inside a pipeline Stage.
 */
export class BrandStage extends Stage {
  readonly brandStack: BrandStack;

  constructor(scope: Construct, id: string, props: BrandStageProps) {
    super(scope, id, { ...props, env: { account: props.account, region: props.target.region.code } });
    this.brandStack = new BrandStack(this, 'BrandStack', { target: props.target, env: { account: props.account } });
    acknowledgeBrandStackFindings(this.brandStack);
    addCompliancePacks(this);
  }
}
