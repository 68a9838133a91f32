/**
 * The posture model: a compact, readable statement of what a synthesized brand
 * stack promises (where it lives, what is encrypted with which key, what is
 * exposed, which TLS). Built from the template alone, so it states what will be
 * deployed, not what the code meant to deploy:
 * - facts/: typed records read from the template, one folder per section;
 * - render/: facts → the lines the posture snapshots hold;
 * - rules/: security checks over the facts, one per file, in cdk-nag's shape;
 * - naming.ts: the one spelling of keys, references and logical ids.
 */
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { postureFacts, type PostureFacts } from './facts';
import { renderPosture, type Posture } from './render';
import { TemplateView, type CfnTemplate, type PostureInput } from './template';

export { ENCRYPTION_EXCEPTION_METADATA } from './exceptions';
export { postureFacts, type PostureFacts } from './facts';
export { HELM_RESOURCE_TYPE, kubernetesObjects, MANIFEST_RESOURCE_TYPE, type KubernetesObject } from './facts/cluster';
export { formatRule, parseRule, renderPosture, type IngressRule, type Posture } from './render';
export { ALL_RULES, checkPosture } from './rules';
export type { PostureRule, RuleResult, Violation } from './rules/rule';
export { TemplateView, type CfnTemplate, type PostureInput } from './template';

/** The posture model of a template. */
export function buildPosture(input: PostureInput): Posture {
  return renderPosture(postureFacts(input));
}

function inputOf(artifact: CloudFormationStackArtifact): PostureInput {
  return { stackName: artifact.stackName, region: artifact.environment.region, template: new TemplateView(artifact.template as CfnTemplate) };
}

/** The facts of one synthesized stack artifact. */
export function postureFactsOfArtifact(artifact: CloudFormationStackArtifact): PostureFacts {
  return postureFacts(inputOf(artifact));
}

/** The posture of one synthesized stack artifact. */
export function postureOfArtifact(artifact: CloudFormationStackArtifact): Posture {
  return buildPosture(inputOf(artifact));
}
