/**
 * The identity platform's namespace, composed of one construct per concern:
 * the namespace-wide network policies (NamespaceNetworkPolicies: default deny
 * plus DNS and the mesh), the runtime Secret (RuntimeSecret), strict mesh mTLS
 * (StrictMtls), the services (IdentityService, each with the egress its process
 * needs) and the public routes with per-client-IP limits (IngressRoutes). Each
 * construct keeps its own security and availability defaults; the chart only wires them.
 */
import { Chart, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { Construct } from 'constructs';
import { BRAND_ID, CUSTOMER_ID } from '../config/brand';
import { parseCidr } from '../config/cidr';
import { PLATFORM_KEY_NAME } from '../config/naming';
import { PORTS } from '../config/ports';
import { AUDIT_RETENTION_DAYS } from '../../runtime/src/audit-writer/audit-writer-config';
import type { DataStoreNetworks, RuntimeSecretSources } from './contract';
import { IdentityService, type EgressDestination, type IdentityServiceProps } from './identity-service';
import { IngressRoutes, type IngressLimits, type PublicRoute } from './ingress-routes';
import { StrictMtls } from './mesh';
import { NamespaceNetworkPolicies } from './network-policies';
import { AUDIT_WRITER_SECRETS, ROTATING_RUNTIME_SECRETS, RUNTIME_SECRETS, RuntimeSecret } from './runtime-secret';

/**
 * The processes the runtime image runs (runtime/build.ts bundles one file each):
 * - `runtime`: the token service and admin API (dist/runtime/server.js);
 * - `audit-writer`: RabbitMQ `audit.#` into DocumentDB `audit_trail` (dist/runtime/audit-writer.js),
 *   with no public route.
 */
export type IdentityProcess = 'runtime' | 'audit-writer';

/** What differs between identity services; everything else is a default of IdentityService. */
export interface IdentityServiceSpec {
  /** Kubernetes name, also the Pod Identity service account. */
  readonly name: string;
  /** The process the service runs. @default 'runtime' */
  readonly process?: IdentityProcess;
  /** Public path prefixes routed to the service; none keeps it internal. */
  readonly publicPaths: readonly string[];
  /** Public paths routed only when matched exactly. @default none */
  readonly exactPublicPaths?: readonly string[];
}

/** The container arguments of each process: the image's entrypoint is node (runtime/Dockerfile). */
export const PROCESS_ENTRYPOINTS: Readonly<Record<IdentityProcess, string>> = {
  runtime: 'dist/runtime/server.js',
  'audit-writer': 'dist/runtime/audit-writer.js',
};

/** The MongoDB database of the audit trail, named for both the writer and the runtime's audit API so they agree. */
export const AUDIT_DATABASE = 'brandstack';

/**
 * The identity services of a brand: the runtime (runtime/src/server.ts), one Fastify process
 * serving the token service and its admin API, and the audit writer
 * (runtime/src/audit-writer/main.ts), which only consumes; a new service is one line here.
 */
export const IDENTITY_SERVICES: readonly IdentityServiceSpec[] = [
  // Only the OAuth surface is public: per-tenant endpoints under /t/ and the RFC 8414 §3.1
  // metadata under /.well-known/. The end-user endpoints are per tenant too, so the `/t/` prefix
  // already routes them: /t/<tenant>/authorize and its sign-in form, /t/<tenant>/userinfo and
  // /t/<tenant>/logout (OIDC Core §3.1.2, §5.3; RP-Initiated Logout 1.0 §2).
  // /admin, /metrics and /healthz/live stay inside the cluster.
  // /healthz/ready is routed exactly, for Route 53's health check of each region behind the
  // latency records (lib/constructs/dns/); its body names failing checks, never their reasons.
  { name: 'token-service', process: 'runtime', publicPaths: ['/t/', '/.well-known/'], exactPublicPaths: ['/healthz/ready'] },
  // Issue 13 §6: its own Deployment with the same hardening, probes (its /healthz/ready checks the
  // broker and DocumentDB), PDB, HPA and zone spread; no route, and egress to RabbitMQ and DocumentDB only.
  { name: 'audit-writer', process: 'audit-writer', publicPaths: [] },
];

export interface IdentityChartProps extends ChartProps {
  /** Namespace of the identity platform. @default 'identity' */
  readonly namespace?: string;
  /** The runtime image, an immutable reference. */
  readonly image: string;
  /** The issuer's host (`ISSUER_BASE_URL` is `https://<domain>`). */
  readonly domain: string;
  /** The hosts the public routes answer on. @default [domain] */
  readonly hostnames?: readonly string[];
  /** AWS region, for the SDK inside the pods (KMS, Pod Identity credentials). */
  readonly region: string;
  /**
   * The brand id (`BRANDSTACK_BRAND`): the runtime derives each customer's key alias,
   * `alias/brandstack/<brand>/<customer>`, and the platform key's, from it.
   */
  readonly brandId: string;
  /**
   * The brand's customers, each with its own KMS key (`BRANDSTACK_CUSTOMERS`, comma-separated):
   * the runtime refuses a tenant bound to any other customer.
   */
  readonly customers: readonly string[];
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
   * Where the ingress controller's pods get their addresses: the runtime believes
   * `X-Forwarded-For` only from these peers (`TRUSTED_PROXY_CIDRS`), and takes every other
   * request's client IP from its socket. IPv4 CIDRs.
   */
  readonly trustedProxyCidrs: readonly string[];
  /**
   * The SNS topic the runtime publishes security events to (an IP blocked after failed
   * sign-ins): `SECURITY_TOPIC_ARN`. The topic mails the brand's security contact.
   */
  readonly securityTopicArn: string;
  /**
   * The broker's AMQPS listener, `host:port`: AMQP_URL is composed from it and the broker's
   * credentials secret.
   */
  readonly brokerEndpoint: string;
  /**
   * Days the audit trail keeps an event (the stage's `auditRetentionDays`): the audit writer's
   * AUDIT_RETENTION_DAYS, the TTL index of `audit_trail`.
   */
  readonly auditRetentionDays: number;
  /**
   * Kubernetes Secret holding the RUNTIME_SECRETS (DATABASE_URL, PLATFORM_ADMIN_CLIENT_SECRET,
   * KEY_ENCRYPTION_KEY, CLIENT_SECRET_PEPPER, AMQP_URL, AUDIT_MONGO_URL); manifests carry only
   * the reference, and each service mounts only the keys it reads.
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

export class IdentityChart extends Chart {
  readonly namespaceName: string;
  readonly services: IdentityService[] = [];

  constructor(scope: Construct, id: string, props: IdentityChartProps) {
    super(scope, id, { ...props, disableResourceNameHashes: true });
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
    new NamespaceNetworkPolicies(this, 'NetworkPolicies', { namespace: ns });
    if (props.dataStores.postgresCidrs.length === 0) throw new Error(`IdentityChart: 'dataStores.postgresCidrs' must list at least one CIDR`);
    for (const [prop, cidrs] of [['postgresCidrs', props.dataStores.postgresCidrs], ['mongoCidr', [props.dataStores.mongoCidr]], ['rabbitCidr', [props.dataStores.rabbitCidr]]] as const) {
      for (const cidr of cidrs) {
        const parsed = parseCidr(cidr);
        if (typeof parsed === 'string') throw new Error(`IdentityChart: 'dataStores.${prop}' entry '${cidr}' ${parsed}`);
      }
    }
    if (!BRAND_ID.test(props.brandId)) throw new Error(`IdentityChart: 'brandId' must be a brand id (${BRAND_ID}); got '${props.brandId}'`);
    if (props.customers.length === 0) throw new Error("IdentityChart: 'customers' must list at least one customer (each has a KMS key the runtime's tenants are bound to)");
    props.customers.forEach((customer, index) => {
      if (!CUSTOMER_ID.test(customer)) throw new Error(`IdentityChart: 'customers[${index}]' must be a customer id (${CUSTOMER_ID}); got '${customer}'`);
      if (customer === PLATFORM_KEY_NAME) throw new Error(`IdentityChart: 'customers[${index}]' cannot be '${PLATFORM_KEY_NAME}', the platform key's name`);
      if (props.customers.indexOf(customer) !== index) throw new Error(`IdentityChart: 'customers' lists '${customer}' more than once`);
    });
    const days = props.auditRetentionDays;
    if (!Number.isInteger(days) || days < AUDIT_RETENTION_DAYS.min || days > AUDIT_RETENTION_DAYS.max) {
      throw new Error(`IdentityChart: 'auditRetentionDays' must be an integer from ${AUDIT_RETENTION_DAYS.min} to ${AUDIT_RETENTION_DAYS.max}, the audit writer's bounds (got ${days})`);
    }
    // Each process reaches its own stores and nothing else (the namespace's default deny refuses the rest).
    const stores = {
      postgres: { name: 'postgresql', cidrs: props.dataStores.postgresCidrs, ports: [PORTS.postgres] },
      mongo: { name: 'documentdb', cidrs: [props.dataStores.mongoCidr], ports: [PORTS.mongo] },
      rabbit: { name: 'rabbitmq', cidrs: [props.dataStores.rabbitCidr], ports: [PORTS.amqps] },
    } satisfies Record<string, EgressDestination>;

    const runtimeSecretName = props.runtimeSecretName ?? 'identity-runtime';
    const runtimeSecret = new RuntimeSecret(this, 'RuntimeSecret', { namespace: ns, secretName: runtimeSecretName, region: props.region, sources: props.secretSources, brokerEndpoint: props.brokerEndpoint });
    const missing = RUNTIME_SECRETS.filter((key) => !runtimeSecret.keys.includes(key));
    if (missing.length > 0) throw new Error(`IdentityChart: the runtime Secret does not produce ${missing.join(', ')}`);

    new StrictMtls(this, 'StrictMtls', { namespace: ns });

    if (props.trustedProxyCidrs.length === 0) {
      throw new Error("IdentityChart: 'trustedProxyCidrs' must list at least one CIDR (where the ingress controller's pods get their addresses)");
    }
    for (const cidr of props.trustedProxyCidrs) {
      const parsed = parseCidr(cidr);
      if (typeof parsed === 'string') throw new Error(`IdentityChart: 'trustedProxyCidrs' entry '${cidr}' ${parsed}`);
    }
    if (props.securityTopicArn.trim() === '') throw new Error("IdentityChart: 'securityTopicArn' must name the security SNS topic");

    const ingressPeer = { namespace: props.ingress.controllerNamespace, podLabels: props.ingress.controllerPodLabels };
    const fileOrEnv = (keys: readonly string[]) => ({
      secretEnv: Object.fromEntries(keys.filter((key) => !(ROTATING_RUNTIME_SECRETS as readonly string[]).includes(key)).map((key) => [key, { secretName: runtimeSecretName, key }])),
      secretFiles: Object.fromEntries(keys.filter((key) => (ROTATING_RUNTIME_SECRETS as readonly string[]).includes(key)).map((key) => [`${key}_FILE`, { secretName: runtimeSecretName, key }])),
    });
    const routes: PublicRoute[] = [];
    for (const spec of services) {
      const process = spec.process ?? 'runtime';
      const isPublic = spec.publicPaths.length > 0 || (spec.exactPublicPaths?.length ?? 0) > 0;
      if (process === 'audit-writer' && isPublic) throw new Error(`IdentityChart: service '${spec.name}' runs the audit writer, which serves no public route; give it no 'publicPaths'`);
      // What differs by process: its settings, the Secret keys it mounts, where it may connect.
      const processProps: Pick<IdentityServiceProps, 'env' | 'secretEnv' | 'secretFiles' | 'egress' | 'awsApis' | 'allowFrom'> =
        process === 'audit-writer'
          ? {
              // runtime/src/audit-writer/audit-writer-config.ts: production requires the retention.
              env: { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: String(PORTS.runtime), AUDIT_MONGO_DATABASE: AUDIT_DATABASE, AUDIT_RETENTION_DAYS: String(days) },
              // The broker and the trail, both files: their credentials may change while pods run. Nothing else of the Secret is mounted.
              ...fileOrEnv(AUDIT_WRITER_SECRETS),
              egress: [stores.rabbit, stores.mongo],
              awsApis: false,
            }
          : {
              // runtime/src/config/production-config.ts: the production entrypoint refuses to start without these.
              env: {
                NODE_ENV: 'production',
                HOST: '0.0.0.0',
                PORT: String(PORTS.runtime),
                ISSUER_BASE_URL: `https://${props.domain}`,
                SIGNING_KEY_SOURCE: 'database',
                AWS_REGION: props.region,
                // The client IP that sign-in protection counts failures against. The NetworkPolicies
                // admit to the runtime only Traefik's pods (IdentityService `allowFrom`) and this
                // namespace's own services over the mesh, so of all the pods with an address in these
                // ranges only those can be the peer, and only Traefik forwards clients. Traefik
                // replaces any X-Forwarded-For a client sends with the address the NLB's proxy
                // protocol header gives (it trusts forwarded headers from no one:
                // https://doc.traefik.io/traefik/routing/entrypoints/#forwarded-headers), so the entry
                // it appends is the client's. Any other peer's X-Forwarded-For is ignored.
                TRUSTED_PROXY_CIDRS: props.trustedProxyCidrs.join(','),
                SECURITY_TOPIC_ARN: props.securityTopicArn,
                // The audit API reads the trail the audit writer fills (issue 13 §6).
                AUDIT_MONGO_DATABASE: AUDIT_DATABASE,
                // Issue 14: personal data under per-user data keys from the tenant's customer key, and
                // private signing keys sealed with data keys from the brand platform key, both through
                // AWS KMS with the service's Pod Identity role (IdentityWorkloads grants exactly these
                // uses). `local` would keep master keys in the pod, so production never gets it.
                PII_KEY_PROVIDER: 'kms',
                SIGNING_KEY_SEAL: 'kms',
                BRANDSTACK_BRAND: props.brandId,
                BRANDSTACK_CUSTOMERS: props.customers.join(','),
              },
              // The pods wait (CreateContainerConfigError, retried by the kubelet) until the operator has written the Secret.
              ...fileOrEnv(runtimeSecret.keys),
              allowFrom: isPublic ? [ingressPeer] : [],
              // PostgreSQL (store and outbox), RabbitMQ (outbox relay, security notifications), DocumentDB (the audit API).
              egress: [stores.postgres, stores.rabbit, stores.mongo],
              // KMS (customer keys for personal data, the platform key for the signing-key seal) and SNS (security notifications).
              awsApis: true,
            };
      const service = new IdentityService(this, spec.name, {
        name: spec.name,
        namespace: ns,
        image: props.image,
        args: [PROCESS_ENTRYPOINTS[process]],
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        strictZoneSpread: props.strictZoneSpread,
        ...props.serviceDefaults,
        ...processProps,
      });
      this.services.push(service);
      if (isPublic) {
        routes.push({ service: service.service, port: PORTS.runtime, paths: spec.publicPaths, exactPaths: spec.exactPublicPaths });
      }
    }

    // After the services, which the routes point at.
    new IngressRoutes(this, 'IngressRoutes', { name: 'identity-public', namespace: ns, hosts: props.hostnames ?? [props.domain], ingress: props.ingress, routes });
  }
}
