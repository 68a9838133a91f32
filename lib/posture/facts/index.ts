/**
 * Facts: typed records of what a synthesized stack will deploy, read from its
 * template alone. The snapshot lines (../render) and the security rules
 * (../rules) are both computed from them.
 */
import type { PostureInput } from '../template';
import { clusterFacts, type ClusterFacts } from './cluster';
import { encryptionFacts, type EncryptionFacts } from './encryption';
import { networkFacts, type NetworkFacts } from './network';
import { placementFacts, type PlacementFacts } from './placement';
import { runtimeKeyFacts, type RuntimeKeyFacts } from './runtime-keys';

export interface PostureFacts {
  readonly placement: PlacementFacts;
  readonly network: NetworkFacts;
  readonly encryption: EncryptionFacts;
  /** Null when the stack has no EKS cluster. */
  readonly cluster: ClusterFacts | null;
  /** The keys the identity runtime uses for personal data and signing keys, and under which context. */
  readonly runtimeKeys: RuntimeKeyFacts;
}

export function postureFacts(input: PostureInput): PostureFacts {
  const placement = placementFacts(input.template, input.stackName, input.region);
  // The brand (from the stack's tags) tells the platform key from customer keys by alias.
  const encryption = encryptionFacts(input.template, placement.brand);
  const cluster = clusterFacts(input.template);
  return {
    placement,
    network: networkFacts(input.template),
    encryption,
    cluster,
    runtimeKeys: runtimeKeyFacts(encryption, cluster),
  };
}
