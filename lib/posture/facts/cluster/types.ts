/** Typed facts of the EKS cluster and what runs in it. */
import type { KeyRef } from '../../naming';
import type { PolicyCondition } from '../encryption/types';
import type { PortRange, RuleSource } from '../network/types';
import type { Labels } from './manifests';

/** Whom an access entry admits. */
export type AccessPrincipal =
  /** A role of the stack, by logical id without hash, and the principals its trust policy admits (`service:<name>`, or an account or ARN as text). */
  | { readonly kind: 'stack-role'; readonly role: string; readonly assumableBy: readonly string[] }
  /** A role named by ARN (the brand file's operator roles), and the account in the ARN. */
  | { readonly kind: 'role-arn'; readonly arn: string; readonly account: string }
  | { readonly kind: 'other'; readonly text: string };

export interface AccessEntryFacts {
  readonly principal: AccessPrincipal;
  /**
   * The entry is created only where the deploying account is this one (a
   * CloudFormation condition `Fn::Equals [AWS::AccountId, <account>]`); absent
   * when the entry has no condition.
   */
  readonly onlyInAccount?: string;
  /** A condition that is not such an account check, by name. */
  readonly otherCondition?: string;
  /** `EC2`, `STANDARD` ...; EKS's default is STANDARD. */
  readonly type?: string;
  readonly policies: ReadonlyArray<{ readonly policy: string; readonly scope?: string }>;
}

/** An ingress rule of a security group the template gives the control plane: a way into the API endpoint (443). */
export interface ApiAccessFacts {
  /** The control plane's security group, by logical id without hash. */
  readonly securityGroup: string;
  readonly protocol: string;
  readonly ports: PortRange;
  readonly source: RuleSource;
}

export interface ControlPlaneFacts {
  readonly logicalId: string;
  readonly name: string;
  readonly kubernetesVersion?: string;
  /** EKS's defaults: public (from 0.0.0.0/0), not private. */
  readonly endpoint: { readonly publicAccess: boolean; readonly privateAccess: boolean; readonly publicCidrs: readonly string[] };
  /** EKS's default is CONFIG_MAP. */
  readonly authenticationMode: string;
  /** The principal that creates the cluster is made cluster admin (EKS's default). */
  readonly creatorIsAdmin: boolean;
  /** Envelope encryption of Kubernetes resources (`secrets`) with a KMS key. */
  readonly envelopeEncryption: ReadonlyArray<{ readonly resources: readonly string[]; readonly key: KeyRef }>;
  readonly logTypes: readonly string[];
  /** The control-plane log group `/aws/eks/<name>/cluster`, when the stack creates it. */
  readonly logGroup?: { readonly name: string; readonly key?: KeyRef; readonly retentionDays?: number };
  readonly accessEntries: readonly AccessEntryFacts[];
  /**
   * What reaches the private API endpoint through the security groups the
   * template gives the control plane (EKS's own cluster security group, which
   * admits the nodes and the kubectl handler, is not in the template).
   */
  readonly apiAccess: readonly ApiAccessFacts[];
  readonly addons: ReadonlyArray<{ readonly name: string; readonly version?: string }>;
  readonly helmReleases: ReadonlyArray<{ readonly release: string; readonly chart: string; readonly version?: string; readonly repository: string }>;
}

export interface ComputeFacts {
  /** EKS Auto Mode, and the built-in node pools it runs. */
  readonly autoMode?: { readonly nodePools: readonly string[] };
  readonly nodeClasses: ReadonlyArray<{ readonly name: string; readonly volumeSize?: string; readonly volumeKey?: KeyRef; readonly networkPolicyDefault: string }>;
  readonly nodePools: ReadonlyArray<{ readonly name: string; readonly requirements: Readonly<Record<string, readonly string[]>>; readonly cpuLimit?: string; readonly expireAfter?: string }>;
  /** The VPC CNI enforces NetworkPolicies (its network policy controller is on). */
  readonly networkPolicyController: boolean;
}

export type CertificateFacts =
  | {
      readonly kind: 'acm';
      readonly domain: string;
      readonly validation: string;
      /** Subject alternative names. */
      readonly alternativeNames?: readonly string[];
      /** Per name, the zone ACM writes its validation record into; none means someone must add it by hand. */
      readonly validationZones?: ReadonlyArray<{ readonly domain: string; readonly zone?: ZoneRef }>;
    }
  | { readonly kind: 'external'; readonly arn: string }
  | { readonly kind: 'none' };

/** The ingress controller's Service of type LoadBalancer, from its Helm values and AWS Load Balancer annotations. */
export interface LoadBalancerServiceFacts {
  readonly release: string;
  /** `internet-facing` or `internal` (the default). */
  readonly scheme: string;
  readonly loadBalancerClass: string;
  /** Listener ports that terminate TLS. */
  readonly tlsPorts?: string;
  readonly certificate: CertificateFacts;
  readonly sslPolicy?: string;
  readonly proxyProtocolV2: boolean;
}

export interface EntrypointFacts {
  readonly release: string;
  readonly name: string;
  readonly exposedPort: number | string;
  readonly tlsAtTraefik: boolean;
  /** Sources whose PROXY protocol header Traefik believes (`proxyProtocol.trustedIPs`); undefined when it reads none. */
  readonly trustedProxyCidrs?: readonly string[];
}

/** The zone records are published into: an id, or a zone of another stack (the delegated subdomain's). */
export type ZoneRef = { readonly kind: 'id'; readonly id: string } | { readonly kind: 'imported'; readonly exportName: string } | { readonly kind: 'unknown' };

/** A latency record's routing: its set identifier, region and health check. */
export interface LatencyRoutingFacts {
  readonly setIdentifier: string;
  readonly region: string;
  /** The health check's logical id in the stack, or the id as written; undefined when none. */
  readonly healthCheck?: string;
}

/** A Route 53 health check of the stack. */
export interface HealthCheckFacts {
  readonly logicalId: string;
  readonly type: string;
  readonly fqdn?: string;
  readonly port?: number;
  readonly path?: string;
}

/** Who publishes the stack's DNS names, and the names. */
export interface IngressDnsFacts {
  /** The stack's own hostname (output StackHostname). */
  readonly hostname?: string;
  /** The brand's public name the stack also serves (output PublicName). */
  readonly publicName?: string;
  readonly publisher:
    | {
        readonly kind: 'external-dns';
        readonly release: string;
        /** Names on the load balancer Service (its hostname annotation). */
        readonly names: readonly string[];
        readonly zone: ZoneRef;
        readonly ownerId?: string;
        readonly policy?: string;
        readonly latency?: LatencyRoutingFacts;
      }
    /** No ExternalDNS: the brand publishes its names (a pre-issued certificate). */
    | { readonly kind: 'brand' };
  readonly healthChecks: readonly HealthCheckFacts[];
}

export type ClientCriterion = { readonly kind: 'client-ip'; readonly depth: number } | { readonly kind: 'header'; readonly header: string } | { readonly kind: 'host' };

export type RouteLimit =
  | { readonly kind: 'rate'; readonly average: number; readonly period: string; readonly burst: number; readonly per: ClientCriterion }
  | { readonly kind: 'in-flight'; readonly amount: number; readonly per: ClientCriterion }
  | { readonly kind: 'missing'; readonly middleware: string };

export interface RouteFacts {
  readonly host?: string;
  readonly path?: string;
  /** Kubernetes path matching: `Prefix` (per path element), `Exact`, or `ImplementationSpecific`. */
  readonly pathType?: string;
  readonly namespace?: string;
  readonly service?: string;
  readonly port?: number;
  readonly limits: readonly RouteLimit[];
}

/** A subnet by logical id and CIDR. */
export interface SubnetCidr {
  readonly logicalId: string;
  readonly cidr: string;
}

export interface IngressFacts {
  readonly controllers: ReadonlyArray<{ readonly loadBalancer: LoadBalancerServiceFacts; readonly entrypoints: readonly EntrypointFacts[] }>;
  readonly routes: readonly RouteFacts[];
  readonly dns: IngressDnsFacts;
  /**
   * Where an internet-facing load balancer of the cluster is placed: the subnets tagged
   * `kubernetes.io/role/elb`, which EKS Auto Mode and the AWS Load Balancer Controller choose from.
   */
  readonly loadBalancerSubnets: readonly SubnetCidr[];
  /** The cluster's subnets (ResourcesVpcConfig), where nodes and pods get their addresses. */
  readonly podSubnets: readonly SubnetCidr[];
}

export type PolicyPeer =
  | { readonly kind: 'ip-block'; readonly cidr: string }
  | {
      readonly kind: 'pods';
      readonly namespace: { readonly kind: 'same' } | { readonly kind: 'named'; readonly name: string } | { readonly kind: 'any' };
      /** Undefined: all pods. */
      readonly podLabels?: Labels;
    };

export interface PolicyRuleFacts {
  /** Empty: any peer. */
  readonly peers: readonly PolicyPeer[];
  /** Empty: any port. */
  readonly ports: ReadonlyArray<{ readonly protocol: string; readonly port?: number | string }>;
}

export interface NetworkPolicyFacts {
  readonly name: string;
  readonly namespace?: string;
  /** An empty pod selector: the policy applies to every pod of the namespace. */
  readonly selectsAllPods: boolean;
  readonly podSelector: Labels;
  /** As Kubernetes reads it: Ingress always, Egress when listed or when egress rules exist. */
  readonly policyTypes: readonly string[];
  readonly ingress: readonly PolicyRuleFacts[];
  readonly egress: readonly PolicyRuleFacts[];
}

export interface NamespaceFacts {
  readonly name: string;
  /** Enrolled in the Istio ambient mesh (`istio.io/dataplane-mode: ambient`). */
  readonly ambientMesh: boolean;
  /** The Pod Security Standard level enforced (`pod-security.kubernetes.io/enforce`). */
  readonly podSecurity?: string;
  readonly peerAuthentications: ReadonlyArray<{ readonly name: string; readonly mode?: string }>;
  /** NetworkPolicies that select every pod of the namespace. */
  readonly namespacePolicies: readonly NetworkPolicyFacts[];
}

export interface SecurityContextFacts {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly drop?: readonly string[];
  readonly add?: readonly string[];
  readonly seccompProfile?: string;
}

export interface ProbeFacts {
  readonly check: { readonly kind: 'http'; readonly path?: string; readonly port?: number | string } | { readonly kind: 'tcp'; readonly port?: number | string } | { readonly kind: 'exec' };
  /** Kubernetes' defaults: every 10 s, failing after 3. */
  readonly periodSeconds: number;
  readonly failureThreshold: number;
}

export interface ContainerFacts {
  readonly name: string;
  readonly probes: { readonly readiness?: ProbeFacts; readonly liveness?: ProbeFacts; readonly startup?: ProbeFacts };
  readonly resources: { readonly cpuRequest?: string; readonly cpuLimit?: string; readonly memoryRequest?: string; readonly memoryLimit?: string };
  readonly securityContext?: SecurityContextFacts;
  /** Plain environment variables (a value in the manifest, not from a Secret), by name. */
  readonly settings: Readonly<Record<string, string>>;
}

export type SecretsManagerSecretRef =
  | { readonly kind: 'stack'; readonly logicalId: string; readonly name: string; readonly key: KeyRef }
  | { readonly kind: 'external'; readonly reference: string };

export type SecretSourceFacts =
  | { readonly kind: 'no-external-secret' }
  | { readonly kind: 'key-not-written'; readonly externalSecret: string }
  | {
      readonly kind: 'external-secrets';
      /** `<namespace>/<name>`. */
      readonly externalSecret: string;
      readonly store?: string;
      readonly refreshInterval: string;
      /** The key is one remote value as is, not composed by a template. */
      readonly verbatim: boolean;
      readonly inputs: ReadonlyArray<{ readonly secret: SecretsManagerSecretRef; readonly properties: readonly string[] }>;
      /** What the composed value asks of its connection, when it is a URL of a data store or broker. */
      readonly connection?: ConnectionFacts;
    };

/**
 * The connection a composed URL opens, by its scheme and options:
 * - `postgres`: libpq `sslmode` (https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION) and `sslrootcert`;
 * - `amqp`: `amqps://` is AMQP over TLS, `amqp://` plaintext;
 * - `mongodb`: `tls=true` (or `ssl=true`, or `mongodb+srv://`, whose default it is), the CA file, and whether an option
 *   switches certificate or host-name checks off (https://www.mongodb.com/docs/manual/reference/connection-string-options/#tls-options).
 */
export type ConnectionFacts =
  | { readonly kind: 'postgres'; readonly sslMode?: string; readonly rootCert?: string }
  | { readonly kind: 'amqp'; readonly tls: boolean }
  | { readonly kind: 'mongodb'; readonly tls: boolean; readonly caFile?: string; readonly insecureOptions: readonly string[] };

/** One secret setting of a workload: where the container reads it, the Kubernetes Secret, and what fills that Secret. */
export interface SecretSettingFacts {
  readonly setting: string;
  readonly via:
    | { readonly kind: 'env' }
    | { readonly kind: 'file'; readonly variable: string; readonly path: string; readonly mode: number; readonly readOnly: boolean; readonly subPath: boolean };
  readonly secret: { readonly name: string; readonly key: string };
  readonly source: SecretSourceFacts;
}

export interface PodIdentityFacts {
  readonly serviceAccount: string;
  readonly role: string;
  /** Keys whose key policy allows the role something. */
  readonly keysNamingRole: readonly KeyRef[];
  /** Actions of the IAM policies attached to the role. */
  /**
   * The role's IAM policy statements, one line each: `<actions> on <resources>`, with the
   * service a key may be used through (`kms:ViaService`), so a new permission on a key is a readable diff.
   */
  readonly iamPermissions: readonly string[];
  /** The same statements, typed, for checks. */
  readonly statements: readonly IamStatementFacts[];
}

export interface WorkloadFacts {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly autoscaler?: { readonly minReplicas?: number; readonly maxReplicas?: number; readonly cpuTarget?: number };
  readonly zoneSpread: ReadonlyArray<{ readonly maxSkew: number; readonly whenUnsatisfiable: string }>;
  readonly strategy: { readonly type?: string; readonly rollingUpdate?: { readonly maxUnavailable?: number | string; readonly maxSurge?: number | string } };
  readonly containers: readonly ContainerFacts[];
  readonly podSecurityContext?: SecurityContextFacts;
  /** Kubernetes mounts the service account token unless told not to. */
  readonly serviceAccountTokenMounted: boolean;
  readonly disruptionBudget?: { readonly maxUnavailable?: number | string; readonly minAvailable?: number | string };
  readonly podIdentity?: PodIdentityFacts;
  readonly secrets: readonly SecretSettingFacts[];
  /** NetworkPolicies that select the workload's pods. */
  readonly networkPolicies: readonly NetworkPolicyFacts[];
  /** The mode of the namespace-wide PeerAuthentication, when there is one (`UNSET` when it sets none). */
  readonly namespaceMtls?: string;
}

export type IamResource =
  | { readonly kind: 'key'; readonly key: KeyRef }
  /** A resource of the stack (an RDS secret attachment followed to its secret), by name and CloudFormation type. */
  | { readonly kind: 'resource'; readonly name: string; readonly type: string }
  | { readonly kind: 'literal'; readonly text: string };

export interface IamStatementFacts {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly IamResource[];
  readonly viaService?: string;
  /** Every condition of the statement, `kms:ViaService` included. */
  readonly conditions: readonly PolicyCondition[];
}

export type SecretStoreAuth =
  | { readonly kind: 'role'; readonly role: string }
  | { readonly kind: 'explicit-credentials' }
  | { readonly kind: 'operator-pod-identity'; readonly roles: ReadonlyArray<{ readonly role: string; readonly statements: readonly IamStatementFacts[] }> };

export interface SecretStoreFacts {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly provider: { readonly kind: 'aws'; readonly service?: string; readonly region?: string; readonly auth: SecretStoreAuth } | { readonly kind: 'other'; readonly providers: readonly string[] };
}

export interface ClusterFacts {
  readonly controlPlane: ControlPlaneFacts;
  readonly compute: ComputeFacts;
  readonly ingress: IngressFacts;
  readonly namespaces: readonly NamespaceFacts[];
  readonly secretStores: readonly SecretStoreFacts[];
  readonly workloads: readonly WorkloadFacts[];
}
