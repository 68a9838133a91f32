/**
 * One identity service in the cluster: Deployment, Service, ServiceAccount,
 * PodDisruptionBudget, HorizontalPodAutoscaler and its ingress and egress NetworkPolicies.
 * The security and availability defaults of every service live here, so a new
 * service is one `new IdentityService(...)` line in the chart.
 */
import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { PORTS } from '../config/ports';
import { HBONE_PORT } from './mesh';

/** The distroless `nonroot` user and group. */
export const NONROOT_UID = 65532;
/** Where secret files are mounted: one read-only directory per Kubernetes Secret. */
export const SECRET_FILES_DIR = '/run/secrets';
/**
 * Mode of secret files: owner read only. With the pod's fsGroup the kubelet also grants the
 * group read (0440, group NONROOT_UID), which is how the non-root process reads them.
 */
export const SECRET_FILE_MODE = 0o400;

/** A secret environment variable: read from a Kubernetes Secret by reference, never written into a manifest. */
export interface SecretEnvReference {
  readonly secretName: string;
  readonly key: string;
}

/** EKS Pod Identity agent: pods fetch their role's credentials from it over plain HTTP on the node. */
export const POD_IDENTITY_AGENT = { cidr: '169.254.170.23/32', port: 80 } as const;

/** A destination the service's pods may open connections to: address blocks and TCP ports. */
export interface EgressDestination {
  /** What it is, for the reader of the policy (e.g. 'rabbitmq'). */
  readonly name: string;
  /** IPv4 CIDRs. */
  readonly cidrs: readonly string[];
  /** TCP ports. */
  readonly ports: readonly number[];
}

/** Peers allowed to open connections to the service's pods. */
export interface IngressPeer {
  /** Namespace the peer pods run in (matched by `kubernetes.io/metadata.name`). */
  readonly namespace: string;
  /** Labels of the peer pods. @default - every pod of the namespace */
  readonly podLabels?: Record<string, string>;
}

export interface IdentityServiceProps {
  /** Kubernetes name of the service (DNS-1035 label): Deployment, Service, ServiceAccount and PDB share it. */
  readonly name: string;
  /** Namespace of every object of the service. */
  readonly namespace: string;
  /** Container image reference (an immutable tag or digest). */
  readonly image: string;
  /** Node entrypoint arguments. @default - the image's CMD */
  readonly args?: string[];
  /** Fewest replicas; the HPA never scales below it. Must be at least 2 so one pod may fail. */
  readonly minReplicas: number;
  /** Most replicas the HPA may scale to. */
  readonly maxReplicas: number;
  /**
   * Refuse to schedule a pod that would unbalance the zones (DoNotSchedule)
   * instead of preferring balance (ScheduleAnyway).
   * @default true
   */
  readonly strictZoneSpread?: boolean;
  /** CPU request per pod, in millicores. @default 250 */
  readonly cpuRequestMillis?: number;
  /** CPU limit per pod, in millicores. @default 1000 */
  readonly cpuLimitMillis?: number;
  /** Memory request per pod, in MiB. Also the limit: memory is not compressible. @default 384 */
  readonly memoryMebibytes?: number;
  /** Average CPU utilisation (of the request) the HPA holds. @default 70 */
  readonly targetCpuUtilization?: number;
  /** Plain environment variables. @default - none */
  readonly env?: Record<string, string>;
  /** Secret environment variables, by reference. @default - none */
  readonly secretEnv?: Record<string, SecretEnvReference>;
  /**
   * Secret files: each variable is set to the path of a file holding one key of a Secret, mounted
   * read-only under {@link SECRET_FILES_DIR}. Unlike an environment variable, the kubelet rewrites the
   * file when the Secret changes (within its sync period, about a minute), so a value that rotates
   * reaches running pods. Whole-volume mounts only: a subPath mount is never refreshed.
   * @default - none
   */
  readonly secretFiles?: Record<string, SecretEnvReference>;
  /** Who may connect to the service's port. @default - nobody outside the namespace */
  readonly allowFrom?: IngressPeer[];
  /**
   * Where the pods may connect to beyond DNS and the mesh (which the namespace's policies open):
   * one NetworkPolicy `<name>-allow-egress` lists them; the namespace's default deny refuses
   * everything else.
   * @default - nowhere
   */
  readonly egress?: readonly EgressDestination[];
  /**
   * The pods call AWS APIs (KMS, SNS) with a Pod Identity role: egress to the Pod Identity agent
   * and to HTTPS anywhere, since AWS's public endpoints have no fixed addresses.
   * @default false
   */
  readonly awsApis?: boolean;
  /** Annotations of the ServiceAccount. @default - none */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

const DNS_1035 = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export class IdentityService extends Construct {
  readonly name: string;
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly serviceAccount: kplus.ServiceAccount;
  /** Labels selecting the service's pods. */
  readonly podLabels: Record<string, string>;
  /** Whether the pods call AWS APIs, and so need a Pod Identity role (see {@link IdentityServiceProps.awsApis}). */
  readonly awsApis: boolean;

  constructor(scope: Construct, id: string, props: IdentityServiceProps) {
    super(scope, id);
    if (!DNS_1035.test(props.name)) throw new Error(`IdentityService: 'name' must be a DNS-1035 label (got '${props.name}')`);
    if (!Number.isInteger(props.minReplicas) || props.minReplicas < 2) {
      throw new Error(`IdentityService ${props.name}: 'minReplicas' must be an integer of at least 2 so a pod can fail without an outage (got ${props.minReplicas})`);
    }
    if (!Number.isInteger(props.maxReplicas) || props.maxReplicas < props.minReplicas) {
      throw new Error(`IdentityService ${props.name}: 'maxReplicas' (${props.maxReplicas}) must be an integer not below 'minReplicas' (${props.minReplicas})`);
    }
    const cpuRequest = props.cpuRequestMillis ?? 250;
    const cpuLimit = props.cpuLimitMillis ?? 1000;
    if (cpuLimit < cpuRequest) throw new Error(`IdentityService ${props.name}: 'cpuLimitMillis' (${cpuLimit}) must not be below 'cpuRequestMillis' (${cpuRequest})`);
    const memory = props.memoryMebibytes ?? 384;
    const targetCpu = props.targetCpuUtilization ?? 70;
    if (targetCpu <= 0 || targetCpu > 100) throw new Error(`IdentityService ${props.name}: 'targetCpuUtilization' must be in 1..100 (got ${targetCpu})`);

    const envNames = [...Object.keys(props.env ?? {}), ...Object.keys(props.secretEnv ?? {}), ...Object.keys(props.secretFiles ?? {})];
    const twice = envNames.filter((name, i) => envNames.indexOf(name) !== i);
    if (twice.length > 0) throw new Error(`IdentityService ${props.name}: variable ${twice[0]} is set twice across 'env', 'secretEnv' and 'secretFiles'`);

    for (const destination of props.egress ?? []) {
      if (destination.cidrs.length === 0 || destination.ports.length === 0) {
        throw new Error(`IdentityService ${props.name}: egress destination '${destination.name}' must list at least one CIDR and one port`);
      }
      for (const port of destination.ports) {
        if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`IdentityService ${props.name}: egress destination '${destination.name}' port ${port} is not 1-65535`);
      }
    }

    this.name = props.name;
    this.awsApis = props.awsApis ?? false;
    this.podLabels = { 'app.kubernetes.io/name': props.name, 'app.kubernetes.io/part-of': 'brandstack-identity' };
    const metadata = { name: props.name, namespace: props.namespace, labels: this.podLabels };

    // Pod Identity mounts its own projected token, so the Kubernetes API token is not needed in the pod.
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { ...metadata, annotations: props.serviceAccountAnnotations },
      automountToken: false,
    });

    // One read-only volume per Secret, projecting only the keys asked for.
    const secretMounts = new Map<string, Record<string, { path: string }>>();
    for (const ref of Object.values(props.secretFiles ?? {})) {
      secretMounts.set(ref.secretName, { ...secretMounts.get(ref.secretName), [ref.key]: { path: ref.key } });
    }
    const secretVolumeMounts = [...secretMounts].map(([secretName, items]) => ({
      path: `${SECRET_FILES_DIR}/${secretName}`,
      readOnly: true,
      volume: kplus.Volume.fromSecret(this, `SecretFiles-${secretName}`, kplus.Secret.fromSecretName(this, `SecretFilesSource-${secretName}`, secretName), {
        name: `secret-${secretName}`.slice(0, 63).replace(/-+$/, ''),
        defaultMode: SECRET_FILE_MODE,
        items,
      }),
    }));

    this.deployment = new kplus.Deployment(this, 'Deployment', {
      metadata,
      podMetadata: { labels: this.podLabels },
      select: false,
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      // No replica count: the HPA owns it (and raises it to minReplicas at once); a fixed count would fight it on every apply.
      // Zero downtime: a new pod must be ready before an old one stops.
      strategy: kplus.DeploymentStrategy.rollingUpdate({ maxSurge: kplus.PercentOrAbsolute.absolute(1), maxUnavailable: kplus.PercentOrAbsolute.absolute(0) }),
      minReady: Duration.seconds(5),
      progressDeadline: Duration.minutes(10),
      revisionHistoryLimit: 5,
      securityContext: {
        ensureNonRoot: true,
        user: NONROOT_UID,
        group: NONROOT_UID,
        fsGroup: NONROOT_UID,
      },
      containers: [
        {
          name: 'runtime',
          image: props.image,
          args: props.args,
          // Images are immutable (content-hash tags), so a node's cached copy is always the right one.
          imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
          ports: [{ number: PORTS.runtime, name: 'http' }],
          envVariables: {
            ...Object.fromEntries(Object.entries(props.env ?? {}).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)])),
            ...Object.fromEntries(
              Object.entries(props.secretEnv ?? {}).map(([key, ref]) => [
                key,
                kplus.EnvValue.fromSecretValue({ secret: kplus.Secret.fromSecretName(this, `Secret-${key}`, ref.secretName), key: ref.key }),
              ]),
            ),
            ...Object.fromEntries(Object.entries(props.secretFiles ?? {}).map(([name, ref]) => [name, kplus.EnvValue.fromValue(`${SECRET_FILES_DIR}/${ref.secretName}/${ref.key}`)])),
          },
          // Readiness gates traffic (zero-downtime rollouts); liveness restarts a wedged process; the
          // startup probe holds liveness off while the process loads keys and connects to its stores.
          readiness: kplus.Probe.fromHttpGet('/healthz/ready', { port: PORTS.runtime, periodSeconds: Duration.seconds(5), failureThreshold: 3, timeoutSeconds: Duration.seconds(2) }),
          liveness: kplus.Probe.fromHttpGet('/healthz/live', { port: PORTS.runtime, periodSeconds: Duration.seconds(10), failureThreshold: 3, timeoutSeconds: Duration.seconds(2) }),
          startup: kplus.Probe.fromHttpGet('/healthz/live', { port: PORTS.runtime, periodSeconds: Duration.seconds(2), failureThreshold: 30, timeoutSeconds: Duration.seconds(2) }),
          resources: {
            cpu: { request: kplus.Cpu.millis(cpuRequest), limit: kplus.Cpu.millis(cpuLimit) },
            memory: { request: Size.mebibytes(memory), limit: Size.mebibytes(memory) },
          },
          securityContext: {
            ensureNonRoot: true,
            user: NONROOT_UID,
            group: NONROOT_UID,
            privileged: false,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: [kplus.Capability.ALL] },
            seccompProfile: { type: kplus.SeccompProfileType.RUNTIME_DEFAULT },
          },
          // The root filesystem is read-only; Node and pino may still need a scratch directory.
          volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }) }, ...secretVolumeMounts],
        },
      ],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.podLabels }));
    const deploymentObject = ApiObject.of(this.deployment);
    // cdk8s-plus spreads with anti-affinity; topologySpreadConstraints express "balanced across zones" directly.
    deploymentObject.addJsonPatch(
      JsonPatch.add('/spec/template/spec/topologySpreadConstraints', [
        {
          maxSkew: 1,
          topologyKey: 'topology.kubernetes.io/zone',
          whenUnsatisfiable: props.strictZoneSpread === false ? 'ScheduleAnyway' : 'DoNotSchedule',
          labelSelector: { matchLabels: this.podLabels },
          matchLabelKeys: ['pod-template-hash'],
        },
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: this.podLabels },
          matchLabelKeys: ['pod-template-hash'],
        },
      ]),
    );

    this.service = new kplus.Service(this, 'Service', {
      metadata,
      selector: this.deployment,
      ports: [{ name: 'http', port: PORTS.runtime, targetPort: PORTS.runtime, protocol: kplus.Protocol.TCP }],
    });

    new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata,
      spec: {
        // Voluntary disruptions (node upgrades, consolidation) take at most one pod at a time.
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: this.podLabels },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
      metadata,
      target: this.deployment,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(targetCpu))],
    });

    const peers = props.allowFrom ?? [];
    if (peers.length > 0) {
      const policy = new kplus.NetworkPolicy(this, 'AllowIngress', {
        metadata: { name: `${props.name}-allow-ingress`, namespace: props.namespace, labels: this.podLabels },
        selector: kplus.Pods.select(this, 'AllowIngressPods', { labels: this.podLabels }),
      });
      // Mesh peers arrive on HBONE (mTLS tunnel); the app port stays for the mesh's own redirection.
      const ports = [kplus.NetworkPolicyPort.tcp(PORTS.runtime), kplus.NetworkPolicyPort.tcp(HBONE_PORT)];
      // One rule per peer (kplus's form): the union admits exactly what one rule listing every peer would.
      peers.forEach((peer, i) => {
        const namespaces = kplus.Namespaces.select(policy, `PeerNamespace${i}`, { names: [peer.namespace] });
        policy.addIngressRule(kplus.Pods.select(policy, `Peer${i}`, { labels: peer.podLabels, namespaces }), ports);
      });
    }

    const destinations: EgressDestination[] = [...(props.egress ?? [])];
    if (this.awsApis) {
      destinations.push({ name: 'pod-identity-agent', cidrs: [POD_IDENTITY_AGENT.cidr], ports: [POD_IDENTITY_AGENT.port] });
      destinations.push({ name: 'aws-apis', cidrs: ['0.0.0.0/0'], ports: [PORTS.https] });
    }
    if (destinations.length > 0) {
      // Raw: kplus.NetworkPolicy gives each address block its own rule; one rule per destination reads as the table it is.
      new kplus.k8s.KubeNetworkPolicy(this, 'AllowEgress', {
        metadata: { name: `${props.name}-allow-egress`, namespace: props.namespace, labels: this.podLabels },
        spec: {
          podSelector: { matchLabels: this.podLabels },
          policyTypes: ['Egress'],
          egress: destinations.map((destination) => ({
            to: destination.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ports: destination.ports.map((port) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) })),
          })),
        },
      });
    }
  }
}
