/**
 * The namespace-wide network policies: deny everything, then open the few
 * flows every pod of the namespace needs (DNS, the mesh). What a service may
 * reach beyond them (its data stores, AWS APIs) and who may reach it are the
 * service's own policies (IdentityService): the audit writer reaches RabbitMQ
 * and DocumentDB only, not PostgreSQL or AWS, as a namespace-wide rule would let it.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { PORTS } from '../config/ports';
import { AMBIENT_PROBE_SOURCE, HBONE_PORT } from './mesh';

export interface NamespaceNetworkPoliciesProps {
  /** Namespace the policies apply to (every pod of it). */
  readonly namespace: string;
}

export class NamespaceNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const ns = props.namespace;
    const raw = (name: string, spec: kplus.k8s.NetworkPolicySpec) => new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: ns }, spec });
    const tcp = (port: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) });

    // Raw: kplus.NetworkPolicy adds policyTypes Egress before Ingress, so the object (and the posture line) would change.
    raw('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // EKS Auto Mode answers DNS on each node rather than from CoreDNS pods, so there is no pod to select; the port is.
    // Raw: kplus.NetworkPolicy needs a peer for every rule and cannot say "any destination on these ports".
    raw('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(PORTS.dns) }, tcp(PORTS.dns)] }],
    });

    // Service-to-service traffic inside the namespace travels over HBONE (mTLS); kubelet probes arrive SNATed by ambient.
    // Ingress rules are added first: kplus lists policyTypes in the order rules arrive (Ingress, Egress).
    const mesh = new kplus.NetworkPolicy(this, 'allow-mesh', { metadata: { name: 'allow-mesh', namespace: ns } });
    const namespacePods = kplus.Pods.all(mesh, 'NamespacePods');
    mesh.addIngressRule(namespacePods, [kplus.NetworkPolicyPort.tcp(HBONE_PORT)]);
    mesh.addIngressRule(kplus.NetworkPolicyIpBlock.ipv4(mesh, 'AmbientProbes', AMBIENT_PROBE_SOURCE), [kplus.NetworkPolicyPort.tcp(PORTS.runtime)]);
    mesh.addEgressRule(namespacePods, [kplus.NetworkPolicyPort.tcp(HBONE_PORT)]);
  }
}
