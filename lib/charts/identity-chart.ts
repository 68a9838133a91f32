/**
 * The identity platform's namespace: its services, the namespace-wide network
 * policies (default deny plus the few flows the services need), strict mesh
 * mTLS, and the public route with per-client-IP limits.
 */
import { ApiObject, Chart, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { AMBIENT_PROBE_SOURCE, HBONE_PORT, IdentityService, RUNTIME_PORT, type IdentityServiceProps } from './identity-service';
import { RuntimeSecret, type RuntimeSecretSources } from './runtime-secret';

/** What differs between identity services; everything else is a default of IdentityService. */
export interface IdentityServiceSpec {
  /** Kubernetes name, also the Pod Identity service account. */
  readonly name: string;
  /** Public path prefixes routed to the service; none keeps it internal. */
  readonly publicPaths: readonly string[];
}

/**
 * The identity services of a brand. The runtime (runtime/src/server.ts) is one
 * Fastify process today serving the token service and its admin API; a new
 * service is one line here.
 */
export const IDENTITY_SERVICES: readonly IdentityServiceSpec[] = [
  // Only the OAuth surface is public: per-tenant endpoints under /t/ and the RFC 8414 §3.1
  // metadata under /.well-known/. /admin, /metrics and /healthz stay inside the cluster.
  { name: 'token-service', publicPaths: ['/t/', '/.well-known/'] },
];

/** The data stores the services reach, by CIDR: network policies cannot name AWS resources. */
export interface DataStoreNetworks {
  /** Subnets of the Aurora PostgreSQL cluster (app VPC database subnets). */
  readonly postgresCidrs: readonly string[];
  /** The MongoDB VPC. */
  readonly mongoCidr: string;
  /** The RabbitMQ VPC. */
  readonly rabbitCidr: string;
}

/** The ingress controller and the limits it applies to each client IP. */
export interface IngressLimits {
  /** Namespace of the ingress controller. */
  readonly controllerNamespace: string;
  /** Labels of the controller pods. */
  readonly controllerPodLabels: Record<string, string>;
  /** IngressClass of the controller. */
  readonly ingressClassName: string;
  /** Sustained requests per second per client IP. @default 20 */
  readonly requestsPerSecond?: number;
  /** Requests a client IP may burst above the sustained rate. @default 40 */
  readonly burst?: number;
  /** Concurrent in-flight requests per client IP (NGINX's `limit_conn` counts the same thing). @default 20 */
  readonly concurrentRequests?: number;
}

export interface IdentityChartProps extends ChartProps {
  /** Namespace of the identity platform. @default 'identity' */
  readonly namespace?: string;
  /** The runtime image, an immutable reference. */
  readonly image: string;
  /** Public domain the services answer on. */
  readonly domain: string;
  /** AWS region, for the SDK inside the pods (KMS, Pod Identity credentials). */
  readonly region: string;
  /** Fewest replicas of each service. */
  readonly minReplicas: number;
  /** Most replicas of each service. */
  readonly maxReplicas: number;
  /** Refuse scheduling that unbalances zones. @default true */
  readonly strictZoneSpread?: boolean;
  /** Where the services' data stores are. */
  readonly dataStores: DataStoreNetworks;
  /** The ingress controller and its per-client limits. */
  readonly ingress: IngressLimits;
  /**
   * Kubernetes Secret holding the RUNTIME_SECRETS (DATABASE_URL, ADMIN_TOKEN,
   * KEY_ENCRYPTION_KEY, CLIENT_SECRET_PEPPER); manifests carry only the reference.
   * @default 'identity-runtime'
   */
  readonly runtimeSecretName?: string;
  /**
   * The Secrets Manager secrets the runtime Secret is composed from; the External Secrets
   * Operator (installed by BrandCluster) writes it into the namespace.
   */
  readonly secretSources: RuntimeSecretSources;
  /** The services to deploy. @default IDENTITY_SERVICES */
  readonly services?: readonly IdentityServiceSpec[];
  /** Overrides for every service (resources, autoscaling target). @default - IdentityService defaults */
  readonly serviceDefaults?: Partial<Pick<IdentityServiceProps, 'cpuRequestMillis' | 'cpuLimitMillis' | 'memoryMebibytes' | 'targetCpuUtilization'>>;
}

/** Runtime settings that are secrets: read from the Kubernetes Secret by reference. */
export const RUNTIME_SECRETS = ['DATABASE_URL', 'ADMIN_TOKEN', 'KEY_ENCRYPTION_KEY', 'CLIENT_SECRET_PEPPER'] as const;
/**
 * The runtime secrets that change while pods run: Secrets Manager rotates the database master
 * password (single-user rotation). Each is mounted as a file and the runtime is given `<NAME>_FILE`
 * (runtime/src/config/production-config.ts), whose password it re-reads for each new connection;
 * an environment variable would keep the old password until the pod restarts. The others are
 * never rotated (runtime-secrets.ts) and stay environment variables.
 */
export const ROTATING_RUNTIME_SECRETS: readonly (typeof RUNTIME_SECRETS)[number][] = ['DATABASE_URL'];

const DNS_PORT = 53;
export const DATA_PORTS = { postgres: 5432, mongo: 27017, rabbitAmqps: 5671 } as const;
/** EKS Pod Identity agent: pods fetch their role's credentials from it. */
const POD_IDENTITY_AGENT = '169.254.170.23/32';

export class IdentityChart extends Chart {
  readonly namespaceName: string;
  readonly services: IdentityService[] = [];

  constructor(scope: Construct, id: string, props: IdentityChartProps) {
    super(scope, id, { ...props, disableResourceNameHashes: true });
    const limits = {
      requestsPerSecond: props.ingress.requestsPerSecond ?? 20,
      burst: props.ingress.burst ?? 40,
      concurrentRequests: props.ingress.concurrentRequests ?? 20,
    };
    for (const [field, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`IdentityChart: 'ingress.${field}' must be a positive integer (got ${value})`);
    }
    if (props.dataStores.postgresCidrs.length === 0) throw new Error(`IdentityChart: 'dataStores.postgresCidrs' must list at least one CIDR`);
    const ns = (this.namespaceName = props.namespace ?? 'identity');
    const services = props.services ?? IDENTITY_SERVICES;
    const names = new Set<string>();
    for (const spec of services) {
      if (names.has(spec.name)) throw new Error(`IdentityChart: service '${spec.name}' is listed twice in 'services'`);
      names.add(spec.name);
    }

    new kplus.Namespace(this, 'Namespace', {
      metadata: {
        name: ns,
        labels: {
          // Istio ambient: ztunnel carries every pod's traffic over mTLS without sidecars.
          'istio.io/dataplane-mode': 'ambient',
          // Pod Security Admission: reject any pod that is not hardened, whatever created it.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    });

    const policy = (name: string, spec: kplus.k8s.NetworkPolicySpec) =>
      new kplus.k8s.KubeNetworkPolicy(this, name, { metadata: { name, namespace: ns }, spec });
    const tcp = (port: number) => ({ protocol: 'TCP', port: kplus.k8s.IntOrString.fromNumber(port) });
    const cidrs = (blocks: readonly string[]) => blocks.map((cidr) => ({ ipBlock: { cidr } }));

    policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // EKS Auto Mode answers DNS on each node rather than from CoreDNS pods, so there is no pod to select; the port is.
    policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ ports: [{ protocol: 'UDP', port: kplus.k8s.IntOrString.fromNumber(DNS_PORT) }, tcp(DNS_PORT)] }],
    });
    policy('allow-data-stores', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: cidrs(props.dataStores.postgresCidrs), ports: [tcp(DATA_PORTS.postgres)] },
        { to: cidrs([props.dataStores.mongoCidr]), ports: [tcp(DATA_PORTS.mongo)] },
        { to: cidrs([props.dataStores.rabbitCidr]), ports: [tcp(DATA_PORTS.rabbitAmqps)] },
      ],
    });
    // KMS (customer keys) over HTTPS, and the Pod Identity agent for the credentials to call it.
    policy('allow-aws-apis', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: cidrs([POD_IDENTITY_AGENT]), ports: [tcp(80)] },
        { to: cidrs(['0.0.0.0/0']), ports: [tcp(443)] },
      ],
    });
    // Service-to-service traffic inside the namespace travels over HBONE (mTLS); kubelet probes arrive SNATed by ambient.
    policy('allow-mesh', {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }], ports: [tcp(HBONE_PORT)] }, { from: cidrs([AMBIENT_PROBE_SOURCE]), ports: [tcp(RUNTIME_PORT)] }],
      egress: [{ to: [{ podSelector: {} }], ports: [tcp(HBONE_PORT)] }],
    });

    const runtimeSecretName = props.runtimeSecretName ?? 'identity-runtime';
    const runtimeSecret = new RuntimeSecret(this, 'RuntimeSecret', { namespace: ns, secretName: runtimeSecretName, region: props.region, sources: props.secretSources });
    const missing = RUNTIME_SECRETS.filter((key) => !runtimeSecret.keys.includes(key));
    if (missing.length > 0) throw new Error(`IdentityChart: the runtime Secret does not produce ${missing.join(', ')}`);

    // Plaintext between workloads is refused: ztunnel accepts only mTLS (HBONE) for every pod of the namespace.
    new ApiObject(this, 'StrictMtls', {
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: ns },
      spec: { mtls: { mode: 'STRICT' } },
    });

    // Per-client-IP limits. The NLB forwards the client address with proxy protocol v2, so the
    // remote address Traefik sees (ipStrategy depth 0) is the client's, not a forwarded header it could be lied to with.
    const sourceCriterion = { ipStrategy: { depth: 0 } };
    const rateLimit = new ApiObject(this, 'ClientRateLimit', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: 'client-rate-limit', namespace: ns },
      spec: { rateLimit: { average: limits.requestsPerSecond, period: '1s', burst: limits.burst, sourceCriterion } },
    });
    const inFlight = new ApiObject(this, 'ClientConcurrency', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'Middleware',
      metadata: { name: 'client-concurrency', namespace: ns },
      spec: { inFlightReq: { amount: limits.concurrentRequests, sourceCriterion } },
    });

    const ingressPeer = { namespace: props.ingress.controllerNamespace, podLabels: props.ingress.controllerPodLabels };
    const publicRoutes: kplus.IngressRule[] = [];
    for (const spec of services) {
      const service = new IdentityService(this, spec.name, {
        name: spec.name,
        namespace: ns,
        image: props.image,
        args: ['dist/runtime/server.js'],
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        strictZoneSpread: props.strictZoneSpread,
        ...props.serviceDefaults,
        // runtime/src/config/production-config.ts: the production entrypoint refuses to start without these.
        env: {
          NODE_ENV: 'production',
          HOST: '0.0.0.0',
          PORT: String(RUNTIME_PORT),
          ISSUER_BASE_URL: `https://${props.domain}`,
          SIGNING_KEY_SOURCE: 'database',
          AWS_REGION: props.region,
        },
        // The pods wait (CreateContainerConfigError, retried by the kubelet) until the operator has written the Secret.
        secretEnv: Object.fromEntries(RUNTIME_SECRETS.filter((key) => !ROTATING_RUNTIME_SECRETS.includes(key)).map((key) => [key, { secretName: runtimeSecretName, key }])),
        secretFiles: Object.fromEntries(ROTATING_RUNTIME_SECRETS.map((key) => [`${key}_FILE`, { secretName: runtimeSecretName, key }])),
        allowFrom: spec.publicPaths.length > 0 ? [ingressPeer] : [],
      });
      this.services.push(service);
      for (const path of spec.publicPaths) {
        publicRoutes.push({ host: props.domain, path, pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service.service, { port: RUNTIME_PORT }) });
      }
    }

    if (publicRoutes.length > 0) {
      const middlewares = [rateLimit, inFlight].map((m) => `${ns}-${m.name}@kubernetescrd`).join(',');
      new kplus.Ingress(this, 'PublicRoutes', {
        metadata: {
          name: 'identity-public',
          namespace: ns,
          annotations: {
            'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
            'traefik.ingress.kubernetes.io/router.middlewares': middlewares,
          },
        },
        className: props.ingress.ingressClassName,
        rules: publicRoutes,
      });
    }
  }
}
