/**
 * NetworkPolicies as Kubernetes reads them, and the namespaces they guard with
 * their mesh enrolment, Pod Security level and mTLS mode.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { isEmptySelector, type Manifest, type Manifests, type NetworkPolicyPeer, type NetworkPolicyPort } from './manifests';
import type { NamespaceFacts, NetworkPolicyFacts, PolicyPeer, PolicyRuleFacts } from './types';

export function networkPolicyFacts(policy: Manifest<'NetworkPolicy'>): NetworkPolicyFacts {
  const spec = policy.spec ?? {};
  const ingress = (spec.ingress ?? []).map((r) => ruleFacts(r.from, r.ports));
  const egress = (spec.egress ?? []).map((r) => ruleFacts(r.to, r.ports));
  // Without policyTypes, a policy is an Ingress policy, and an Egress one too when it has egress rules.
  const policyTypes = spec.policyTypes ?? ['Ingress', ...(spec.egress ? ['Egress'] : [])];
  return {
    name: policy.metadata.name,
    namespace: policy.metadata.namespace,
    selectsAllPods: isEmptySelector(spec.podSelector),
    podSelector: spec.podSelector?.matchLabels ?? {},
    policyTypes,
    ingress,
    egress,
  };
}

function ruleFacts(peers: readonly NetworkPolicyPeer[] | undefined, ports: readonly NetworkPolicyPort[] | undefined): PolicyRuleFacts {
  return {
    peers: (peers ?? []).map(peerFacts),
    // A port without protocol is TCP.
    ports: (ports ?? []).map((p) => ({ protocol: p.protocol ?? 'TCP', port: p.port })),
  };
}

function peerFacts(peer: NetworkPolicyPeer): PolicyPeer {
  if (peer.ipBlock) return { kind: 'ip-block', cidr: peer.ipBlock.cidr };
  const selector = peer.namespaceSelector;
  const name = selector?.matchLabels?.['kubernetes.io/metadata.name'];
  return {
    kind: 'pods',
    namespace: !selector ? { kind: 'same' } : name ? { kind: 'named', name } : { kind: 'any' },
    podLabels: peer.podSelector && !isEmptySelector(peer.podSelector) ? (peer.podSelector.matchLabels ?? {}) : undefined,
  };
}

export function namespaceFacts(manifests: Manifests): NamespaceFacts[] {
  return manifests.ofKind('Namespace').map((ns) => {
    const name = ns.metadata.name;
    const labels = ns.metadata.labels ?? {};
    return {
      name,
      ambientMesh: labels['istio.io/dataplane-mode'] === 'ambient',
      podSecurity: labels['pod-security.kubernetes.io/enforce'],
      peerAuthentications: manifests.inNamespace('PeerAuthentication', name).map((pa) => ({ name: pa.metadata.name, mode: pa.spec?.mtls?.mode })),
      namespacePolicies: manifests
        .inNamespace('NetworkPolicy', name)
        .map(networkPolicyFacts)
        .filter((p) => p.selectsAllPods),
    };
  });
}
