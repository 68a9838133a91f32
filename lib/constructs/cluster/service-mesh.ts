import type * as eks from 'aws-cdk-lib/aws-eks-v2';
import { Construct } from 'constructs';

export interface ServiceMeshProps {
  readonly cluster: eks.ICluster;
  /**
   * Istio release of all four charts (base, istiod, cni, ztunnel); they must match.
   * @default ISTIO_VERSION
   */
  readonly version?: string;
}

/**
 * Istio 1.30, the supported minor and patch (27 August 2026) current when this was pinned;
 * bump with each patch release. AWS's istio-on-eks blueprint runs Istio ambient on EKS
 * Auto Mode with Kubernetes 1.34, the combination used here.
 */
export const ISTIO_VERSION = '1.30.4';
const ISTIO_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
export const MESH_NAMESPACE = 'istio-system';

/**
 * Istio in ambient mode: mTLS between every pod of an enrolled namespace,
 * issued and rotated by istiod, without sidecars.
 *
 * Why Istio ambient: a node-level ztunnel gives L4 mTLS with workload identity
 * and PeerAuthentication STRICT, without an injected sidecar that would need
 * NET_ADMIN init containers or break the pods' restricted security context.
 * Linkerd's open-source project ships only edge releases since 2024; Istio is
 * a CNCF graduated project with dated stable releases and security patches.
 */
export class ServiceMesh extends Construct {
  /** Istio's CRDs (PeerAuthentication and friends): manifests using them depend on this. */
  readonly crds: eks.HelmChart;
  /** The last component installed; the mesh is ready when it is. */
  readonly ready: eks.HelmChart;

  constructor(scope: Construct, id: string, props: ServiceMeshProps) {
    super(scope, id);
    const version = props.version ?? ISTIO_VERSION;
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`ServiceMesh: 'version' must be an exact Istio release such as 1.30.4 (got '${version}')`);
    const chart = (chartId: string, chartName: string, values: Record<string, unknown>) =>
      props.cluster.addHelmChart(chartId, {
        chart: chartName,
        release: chartName === 'base' ? 'istio-base' : chartName === 'cni' ? 'istio-cni' : chartName,
        repository: ISTIO_REPOSITORY,
        version,
        namespace: MESH_NAMESPACE,
        createNamespace: true,
        values,
        wait: true,
      });

    this.crds = chart('IstioBase', 'base', {});
    const istiod = chart('Istiod', 'istiod', {
      profile: 'ambient',
      pilot: { autoscaleMin: 2, replicaCount: 2, topologySpreadConstraints: zoneSpread({ app: 'istiod' }) },
      pdb: { minAvailable: 1 },
    });
    const cni = chart('IstioCni', 'cni', { profile: 'ambient' });
    const ztunnel = chart('Ztunnel', 'ztunnel', {});
    istiod.node.addDependency(this.crds);
    cni.node.addDependency(istiod);
    ztunnel.node.addDependency(cni);
    this.ready = ztunnel;
  }
}

function zoneSpread(matchLabels: Record<string, string>) {
  return [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } }];
}
