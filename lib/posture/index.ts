/**
 * The posture model: a compact, readable statement of what a synthesized brand
 * stack promises (where it lives, what is encrypted with which key, what is
 * exposed, which TLS). Snapshots hold this model, so a change of security
 * posture shows up as a readable diff.
 *
 * Each concern is a section in sections/, built from the template alone: the
 * model states what will be deployed, not what the code meant to deploy.
 */
import type { CloudFormationStackArtifact } from 'aws-cdk-lib/cx-api';
import { clusterPosture } from './sections/cluster';
import { encryptionPosture } from './sections/encryption';
import { networkPosture } from './sections/network';
import { placementPosture } from './sections/placement';
import { TemplateView, type CfnTemplate, type PostureInput } from './template';

/** Section name → builder. Order here is the order in the snapshot. */
export const POSTURE_SECTIONS = {
  placement: placementPosture,
  network: networkPosture,
  encryption: encryptionPosture,
  cluster: clusterPosture,
} as const;

export type Posture = { [K in keyof typeof POSTURE_SECTIONS]: ReturnType<(typeof POSTURE_SECTIONS)[K]> };

export function buildPosture(input: PostureInput): Posture {
  const posture: Record<string, unknown> = {};
  for (const [name, build] of Object.entries(POSTURE_SECTIONS)) posture[name] = build(input);
  return posture as Posture;
}

/** The posture of one synthesized stack artifact. */
export function postureOfArtifact(artifact: CloudFormationStackArtifact): Posture {
  return buildPosture({
    stackName: artifact.stackName,
    region: artifact.environment.region,
    template: new TemplateView(artifact.template as CfnTemplate),
  });
}
