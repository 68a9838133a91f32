/** The EKS cluster's facts: control plane, compute, ingress, namespaces, secret stores, workloads. */
import type { TemplateView } from '../../template';
import { computeFacts } from './compute';
import { controlPlaneFacts } from './control-plane';
import { ingressFacts } from './ingress';
import { Manifests } from './manifests';
import { namespaceFacts } from './network-policies';
import { secretStoreFacts } from './secret-stores';
import type { ClusterFacts } from './types';
import { workloadFacts } from './workloads';

export type * from './types';
export { HELM_RESOURCE_TYPE, kubernetesObjects, MANIFEST_RESOURCE_TYPE, type KubernetesObject } from './manifests';

/** The facts of the stack's EKS cluster; null when it has none. One brand stack has at most one. */
export function clusterFacts(view: TemplateView): ClusterFacts | null {
  const clusters = view.ofType('AWS::EKS::Cluster');
  if (clusters.length === 0) return null;
  if (clusters.length > 1) throw new Error(`cluster posture: expected one EKS cluster, found ${clusters.length}`);
  const [clusterId, cluster] = clusters[0];
  const manifests = Manifests.of(view);
  return {
    controlPlane: controlPlaneFacts(view, clusterId, cluster),
    compute: computeFacts(view, cluster, manifests),
    ingress: ingressFacts(view, manifests),
    namespaces: namespaceFacts(manifests),
    secretStores: secretStoreFacts(view, manifests),
    workloads: workloadFacts(view, manifests),
  };
}
