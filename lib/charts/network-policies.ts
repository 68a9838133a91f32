/**
 * The namespace-wide network policies: deny everything, then open the few
 * flows every pod of the namespace needs (DNS, the data stores, AWS APIs, the
 * mesh). A service's own ingress policy lives with the service (IdentityService).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { PORTS } from '../config/ports';
import type { DataStoreNetworks } from './contract';
import { AMBIENT_PROBE_SOURCE, HBONE_PORT } from './mesh';

/** EKS Pod Identity agent: pods fetch their role's credentials from it over plain HTTP on the node. */
const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

export interface NamespaceNetworkPoliciesProps {
  /** Namespace the policies apply to (every pod of it). */
  readonly namespace: string;
  /** Where the data stores are; egress opens to these CIDRs on the store's port only. */
  readonly dataStores: DataStoreNetworks;
}

export class NamespaceNetworkPolicies extends Construct {
  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    if (props.dataStores.postgresCidrs.length === 0) throw new Error(`NamespaceNetworkPolicies: 'dataStores.postgresCidrs' must list at least one CIDR`);
    const ns = props.namespace;
    const raw = (name: string, spec: kplus.k8s.NetworkPolicySpec) => new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: ns }, spec });
    const tcp = (port: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) });
    const cidrs = (blocks: readonly string[]) => blocks.map((cidr) => ({ ipBlock: { cidr } }));

    // Raw: kplus.NetworkPolicy adds policyTypes Egress before Ingress, so the object (and the posture line) would change.
    raw('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // EKS Auto Mode answers DNS on each node rather than from CoreDNS pods, so there is no pod to select; the port is.
    // Raw: kplus.NetworkPolicy needs a peer for every rule and cannot say "any destination on these ports".
    raw('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(PORTS.dns) }, tcp(PORTS.dns)] }],
    });
    // Raw: kplus.NetworkPolicy gives each peer its own rule, and the PostgreSQL rule lists one ipBlock per database subnet.
    raw('allow-data-stores', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: cidrs(props.dataStores.postgresCidrs), ports: [tcp(PORTS.postgres)] },
        { to: cidrs([props.dataStores.mongoCidr]), ports: [tcp(PORTS.mongo)] },
        { to: cidrs([props.dataStores.rabbitCidr]), ports: [tcp(PORTS.amqps)] },
      ],
    });

    // KMS (customer keys) over HTTPS, and the Pod Identity agent for the credentials to call it.
    const awsApis = new kplus.NetworkPolicy(this, 'allow-aws-apis', { metadata: { name: 'allow-aws-apis', namespace: ns } });
    awsApis.addEgressRule(kplus.NetworkPolicyIpBlock.ipv4(awsApis, 'PodIdentityAgent', POD_IDENTITY_AGENT.cidr), [kplus.NetworkPolicyPort.tcp(POD_IDENTITY_AGENT.port)]);
    awsApis.addEgressRule(kplus.NetworkPolicyIpBlock.anyIpv4(awsApis, 'Anywhere'), [kplus.NetworkPolicyPort.tcp(PORTS.https)]);

    // Service-to-service traffic inside the namespace travels over HBONE (mTLS); kubelet probes arrive SNATed by ambient.
    // Ingress rules are added first: kplus lists policyTypes in the order rules arrive (Ingress, Egress).
    const mesh = new kplus.NetworkPolicy(this, 'allow-mesh', { metadata: { name: 'allow-mesh', namespace: ns } });
    const namespacePods = kplus.Pods.all(mesh, 'NamespacePods');
    mesh.addIngressRule(namespacePods, [kplus.NetworkPolicyPort.tcp(HBONE_PORT)]);
    mesh.addIngressRule(kplus.NetworkPolicyIpBlock.ipv4(mesh, 'AmbientProbes', AMBIENT_PROBE_SOURCE), [kplus.NetworkPolicyPort.tcp(PORTS.runtime)]);
    mesh.addEgressRule(namespacePods, [kplus.NetworkPolicyPort.tcp(HBONE_PORT)]);
  }
}
