import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * Every workload is in the Istio ambient mesh under a namespace-wide
 * PeerAuthentication in STRICT mode: traffic between pods is mutually
 * authenticated and encrypted, and plaintext is refused (the mesh default,
 * PERMISSIVE, accepts it).
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export const StrictMtls = postureRule('workloads/strict-mtls', 'Every workload is in the mesh with STRICT mTLS.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) => {
    const namespace = facts.cluster?.namespaces.find((ns) => ns.name === w.namespace);
    if (!namespace?.ambientMesh) return [{ resource: workloadName(w), reason: `namespace ${w.namespace} is not enrolled in the mesh` }];
    return w.namespaceMtls === 'STRICT' ? [] : [{ resource: workloadName(w), reason: `mTLS ${w.namespaceMtls ?? 'mesh default (PERMISSIVE)'}, not STRICT` }];
  }),
);
