/**
 * Compute: EKS Auto Mode, its NodeClasses (volume encryption, network policy
 * default) and NodePools (zones, capacity, limits, node expiry), and whether the
 * VPC CNI enforces NetworkPolicies.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html
 */
import { keyOf } from '../../naming';
import type { TypedResource, TemplateView } from '../../template';
import type { Manifests } from './manifests';
import type { ComputeFacts } from './types';

export function computeFacts(view: TemplateView, cluster: TypedResource<'AWS::EKS::Cluster'>, manifests: Manifests): ComputeFacts {
  const config = cluster.Properties?.ComputeConfig;
  return {
    autoMode: config?.Enabled ? { nodePools: config.NodePools ?? [] } : undefined,
    nodeClasses: manifests.ofKind('NodeClass').map((nodeClass) => {
      const storage = nodeClass.spec?.ephemeralStorage ?? {};
      return {
        name: nodeClass.metadata.name,
        volumeSize: storage.size,
        volumeKey: storage.kmsKeyID ? keyOf(view, storage.kmsKeyID) : undefined,
        // Auto Mode's default: DefaultAllow (pods accept all traffic unless a NetworkPolicy selects them).
        networkPolicyDefault: nodeClass.spec?.networkPolicy ?? 'DefaultAllow',
      };
    }),
    nodePools: manifests.ofKind('NodePool').map((pool) => ({
      name: pool.metadata.name,
      requirements: Object.fromEntries((pool.spec?.template?.spec?.requirements ?? []).map((r) => [r.key, r.values])),
      cpuLimit: pool.spec?.limits?.cpu === undefined ? undefined : String(pool.spec.limits.cpu),
      expireAfter: pool.spec?.template?.spec?.expireAfter,
    })),
    networkPolicyController: manifests.ofKind('ConfigMap').some((o) => o.metadata.name === 'amazon-vpc-cni' && o.data?.['enable-network-policy-controller'] === 'true'),
  };
}
