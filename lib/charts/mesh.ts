/**
 * The namespace's place in the Istio ambient mesh (installed by ServiceMesh):
 * the mesh's ports and addresses the network policies must admit, and strict
 * mTLS between the namespace's workloads.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';

/** Port of Istio ambient's HBONE tunnel: in-mesh traffic reaches a pod on it, not on the app port. */
export const HBONE_PORT = 15008;
/**
 * Istio ambient SNATs kubelet probes to this link-local address so ztunnel can
 * tell them apart; a NetworkPolicy that restricts ingress must admit it.
 * https://istio.io/latest/docs/ambient/usage/networkpolicy/
 */
export const AMBIENT_PROBE_SOURCE = '169.254.7.127/32';

export interface StrictMtlsProps {
  /** Namespace whose workloads accept only mTLS. */
  readonly namespace: string;
}

/**
 * Plaintext between workloads is refused: a namespace-wide PeerAuthentication
 * (named `default`, no selector) makes ztunnel accept only mTLS (HBONE) for
 * every pod of the namespace.
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 */
export class StrictMtls extends Construct {
  readonly peerAuthentication: ApiObject;

  constructor(scope: Construct, id: string, props: StrictMtlsProps) {
    super(scope, id);
    this.peerAuthentication = new ApiObject(this, 'Resource', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: props.namespace },
      spec: { mtls: { mode: 'STRICT' } },
    });
  }
}
