/**
 * Builds the brandstack CDK app from context. Kept apart from bin/ so tests
 * build exactly what `cdk synth` builds.
 */
import { App, type AppProps } from 'aws-cdk-lib';
import { BrandRegistry, resolveTarget } from './config/registry';
import { BrandStack } from './stacks/brand-stack';
import { BrandDnsStack } from './stacks/brand-dns-stack';
import { acknowledgeBrandStackFindings, acknowledgePipelineFindings, addCompliancePacks } from './nag/compliance';
import { loadPromotion } from './pipeline/promotion';
import { PIPELINE_CONTEXT, pipelineWanted } from './pipeline/stack-selection';

export interface BrandstackAppOptions extends AppProps {
  /** Directory of brand files. @default brands/ at the repository root */
  readonly brandsDir?: string;
  /** Account to deploy to. @default CDK_DEFAULT_ACCOUNT, then context `account`, else environment-agnostic */
  readonly account?: string;
  /** The promotion config PipelineStack is built from. @default promotion.json at the repository root */
  readonly promotionFile?: string;
}

/**
 * Validates everything before constructing anything: a bad brand, region or
 * stage throws a BrandConfigError and no stack (so no template) exists.
 */
export function buildApp(options: BrandstackAppOptions = {}): App {
  const app = new App(options);
  const context = (key: string): unknown => app.node.tryGetContext(key);
  const registry = BrandRegistry.load(options.brandsDir);
  const target = resolveTarget(registry, { brand: context('brand'), region: context('region'), stage: context('stage'), environment: context('environment') });
  // The CLI may pass CDK_DEFAULT_ACCOUNT empty (no credentials): that means no account, not account ''.
  const account = options.account ?? (process.env.CDK_DEFAULT_ACCOUNT || undefined) ?? (context('account') as string | undefined);
  // lib/pipeline/stack-selection.ts: the pipeline re-synthesizes every promoted BrandStack, so it is built only when wanted.
  const promotion = pipelineWanted(context(PIPELINE_CONTEXT), 'PipelineStack') ? loadPromotion(registry, context, options.promotionFile) : undefined;

  // A delegated subdomain's zone is its own stack, deployed (and delegated once) before BrandStack.
  const dnsStack = target.brand.dns.kind === 'delegatedSubdomain' ? new BrandDnsStack(app, 'BrandDnsStack', { target, env: { account } }) : undefined;
  const stack = new BrandStack(app, 'BrandStack', { target, env: { account }, delegatedZone: dnsStack?.zone });
  if (dnsStack) stack.addStackDependency(dnsStack, 'its certificate validates in the delegated zone');
  acknowledgeBrandStackFindings(stack);
  if (promotion) {
    // Loaded only when built: CDK Pipelines with its CodePipeline and CodeBuild modules
    // takes about 0.3 s to load, which every `cdk synth BrandStack` would otherwise pay.
    const { PipelineStack } = require('./pipeline/pipeline-stack') as typeof import('./pipeline/pipeline-stack');
    const pipelineStack = new PipelineStack(app, 'PipelineStack', { promotion });
    acknowledgePipelineFindings([pipelineStack, ...pipelineStack.supportStacks]);
  }
  addCompliancePacks(app);
  return app;
}
