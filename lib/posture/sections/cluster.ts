/**
 * @deprecated The cluster section as it was imported before lib/posture became
 * facts/, render/ and rules/. Import from `lib/posture` instead; kept until the
 * last importers outside lib/posture move.
 */
import { clusterFacts } from '../facts/cluster';
import { renderCluster, type ClusterPosture } from '../render/cluster';
import type { PostureInput } from '../template';

export { HELM_RESOURCE_TYPE, kubernetesObjects, MANIFEST_RESOURCE_TYPE, type KubernetesObject } from '../facts/cluster';
export type { ClusterPosture, WorkloadPosture } from '../render/cluster';

export function clusterPosture(input: PostureInput): ClusterPosture | null {
  return renderCluster(clusterFacts(input.template));
}
