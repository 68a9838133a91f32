/**
 * The compliance packs every brand stack is checked against at synth. They are
 * registered on the Stage that owns the stacks (the App, or a pipeline Stage):
 * policy validation runs per Stage, so packs registered on the App alone never
 * see stacks inside a pipeline Stage.
 */
import { Stage, Validations, type IPolicyValidationPlugin, type PolicyValidationPluginReport, type PolicyViolation } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { DeployRulesChecks } from '../deploy-rules';
import { applyAcknowledgements, isAcknowledgedByPattern } from './acknowledgement';
import { BRAND_STACK_ACKNOWLEDGEMENTS } from './acknowledgements/brand-stack';
import { PIPELINE_ACKNOWLEDGEMENTS } from './acknowledgements/pipeline';

export const COMPLIANCE_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'PCI.DSS.321', 'HIPAA.Security'] as const;

/**
 * Registers the compliance packs and, beside them, the deploy rules
 * (lib/deploy-rules: what AWS refuses or waits on although synth accepts it),
 * whose error-level findings fail synth like the packs' do.
 */
export function addCompliancePacks(stage: Stage): void {
  Validations.of(stage).addPlugins(
    ...[new AwsSolutionsChecks(stage), new NIST80053R5Checks(stage), new PCIDSS321Checks(stage), new HIPAASecurityChecks(stage), new DeployRulesChecks(stage)].map(
      (pack) => new StageScopedPack(pack, stage),
    ),
  );
}

/**
 * A pack that checks only the constructs of its own Stage. cdk-nag 3 walks the
 * whole app from every registration, so with packs on the App and on each of N
 * pipeline Stages every stack would be checked N+1 times (and reported as
 * often); scoped, each stack is checked once, by the packs of the Stage that
 * owns it. Nested Stages are left to their own packs.
 */
class StageScopedPack implements IPolicyValidationPlugin {
  readonly name: string;
  readonly version?: string;
  readonly ruleIds?: string[];

  constructor(
    private readonly pack: NagPack,
    private readonly stage: Stage,
  ) {
    this.name = pack.name;
    this.version = pack.version;
    this.ruleIds = pack.ruleIds;
  }

  validate(): PolicyValidationPluginReport {
    const byRule = new Map<string, PolicyViolation>();
    for (const scope of ownScopes(this.stage)) {
      const byPath = new Map(scope.node.findAll().map((construct) => [construct.node.path, construct]));
      for (const violation of this.pack.validateScope(scope).violations) {
        const resources = violation.violatingResources.filter((resource) => {
          const construct = byPath.get((resource as { constructPath?: string }).constructPath ?? '');
          return !construct || !isAcknowledgedByPattern(construct, violation.ruleName);
        });
        if (resources.length === 0) continue;
        const seen = byRule.get(violation.ruleName);
        if (seen) seen.violatingResources.push(...resources);
        else byRule.set(violation.ruleName, { ...violation, violatingResources: resources });
      }
    }
    return { success: byRule.size === 0, violations: [...byRule.values()] };
  }
}

/** The largest subtrees under `stage` that contain no nested Stage. */
function ownScopes(stage: Stage): IConstruct[] {
  const holdsStage = new Set<string>();
  for (const construct of stage.node.findAll()) {
    if (construct === stage || !Stage.isStage(construct)) continue;
    for (let parent = construct.node.scope; parent && parent !== stage; parent = parent.node.scope) holdsStage.add(parent.node.path);
  }
  const scopes: IConstruct[] = [];
  const visit = (construct: IConstruct): void => {
    if (Stage.isStage(construct)) return;
    if (!holdsStage.has(construct.node.path)) {
      scopes.push(construct);
      return;
    }
    construct.node.children.forEach(visit);
  };
  stage.node.children.forEach(visit);
  return scopes;
}

/** Applies the acknowledgements of brand stacks (lib/nag/acknowledgements/brand-stack.ts) to one BrandStack. */
export function acknowledgeBrandStackFindings(stack: IConstruct): void {
  applyAcknowledgements([stack], BRAND_STACK_ACKNOWLEDGEMENTS);
}

/** Applies the pipeline's acknowledgements (lib/nag/acknowledgements/pipeline.ts) to PipelineStack and its support stacks. */
export function acknowledgePipelineFindings(stacks: readonly IConstruct[]): void {
  applyAcknowledgements(stacks, PIPELINE_ACKNOWLEDGEMENTS);
}
