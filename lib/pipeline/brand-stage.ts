import { Stage, type StageProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { BrandTarget } from '../config/registry';
import { acknowledgeBrandStackFindings, addCompliancePacks } from '../nag/compliance';
import { BrandDnsStack } from '../stacks/brand-dns-stack';
import { BrandStack } from '../stacks/brand-stack';

export interface BrandStageProps extends StageProps {
  /** The brand, region and BrandStack stage this pipeline Stage deploys. */
  readonly target: BrandTarget;
  /** The account of the promotion stage (test, staging, preprod or prod). */
  readonly account: string;
  /**
   * The smoke test: the tenant the runtime provisions a smoke client in, and the pipeline's
   * account, whose smoke step reads the client's credentials through a role BrandStack creates.
   * @default the brand's first customer; no reader role
   */
  readonly smokeTest?: { readonly tenant: string; readonly readerAccount: string };
}

/**
 * One BrandStack as a pipeline Stage. The compliance packs are registered on
 * this Stage: policy validation runs per Stage, so packs registered on the App
 * never see stacks inside a pipeline Stage.
 */
export class BrandStage extends Stage {
  readonly brandStack: BrandStack;
  /** The stack hostname's hosted zone, when the brand delegates a subdomain (dns.delegatedSubdomain). */
  readonly dnsStack?: BrandDnsStack;

  constructor(scope: Construct, id: string, props: BrandStageProps) {
    super(scope, id, { ...props, env: { account: props.account, region: props.target.region.code } });
    // A delegated subdomain's zone is its own stack, deployed (and delegated once) before BrandStack.
    this.dnsStack = props.target.brand.dns.kind === 'delegatedSubdomain' ? new BrandDnsStack(this, 'BrandDnsStack', { target: props.target, env: { account: props.account } }) : undefined;
    this.brandStack = new BrandStack(this, 'BrandStack', { target: props.target, env: { account: props.account }, delegatedZone: this.dnsStack?.zone, smokeTest: props.smokeTest });
    if (this.dnsStack) this.brandStack.addStackDependency(this.dnsStack, 'its certificate validates in the delegated zone');
    acknowledgeBrandStackFindings(this.brandStack);
    addCompliancePacks(this);
  }
}
