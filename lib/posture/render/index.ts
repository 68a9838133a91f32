/**
 * Facts → the posture model the snapshots hold: one readable line per fact, so
 * a change of posture shows up as a readable diff. Checks never read these
 * lines; they read the facts (../rules).
 */
import type { PostureFacts } from '../facts';
import { renderCluster, type ClusterPosture } from './cluster';
import { renderEncryption, type EncryptionPosture } from './encryption';
import { renderNetwork, type NetworkPosture } from './network';
import { renderPlacement, type PlacementPosture } from './placement';

export type { ClusterPosture, WorkloadPosture } from './cluster';
export type { EncryptionPosture } from './encryption';
export { formatRule, parseRule, type IngressRule, type NetworkAclPosture, type NetworkPosture, type PeeringPosture, type VpcPosture } from './network';
export type { PlacementPosture } from './placement';
export { renderCluster, renderEncryption, renderNetwork, renderPlacement };

/** The posture model; its key order is the order of the snapshot's sections. */
export interface Posture {
  readonly placement: PlacementPosture;
  readonly network: NetworkPosture;
  readonly encryption: EncryptionPosture;
  readonly cluster: ClusterPosture | null;
}

export function renderPosture(facts: PostureFacts): Posture {
  return {
    placement: renderPlacement(facts.placement),
    network: renderNetwork(facts.network),
    encryption: renderEncryption(facts.encryption, facts.runtimeKeys),
    cluster: renderCluster(facts.cluster),
  };
}
