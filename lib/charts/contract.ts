/**
 * What the CDK constructs that host the charts (lib/constructs/cluster) and the
 * charts agree on. Constructs import charts, never the reverse, so every name or
 * value both sides need sits here. Ports are not repeated: both sides read
 * lib/config/ports.ts.
 */

/** How charts refer to the cluster's ingress controller (installed by IngressController). */
export interface IngressControllerRef {
  /** Namespace of the controller pods. */
  readonly controllerNamespace: string;
  /** Labels of the controller pods, for the services' ingress network policies. */
  readonly controllerPodLabels: Record<string, string>;
  /** IngressClass the controller serves. */
  readonly ingressClassName: string;
  /** The controller's listener that public routes attach to (Traefik entry point). */
  readonly entryPoint: string;
}

/** The Traefik controller of every brand cluster. */
export const TRAEFIK_INGRESS = {
  controllerNamespace: 'traefik',
  controllerPodLabels: { 'app.kubernetes.io/name': 'traefik' },
  ingressClassName: 'traefik',
  // The TLS listener behind the NLB; the chart's `web` entry point is not exposed.
  entryPoint: 'websecure',
} as const satisfies IngressControllerRef;

/** The data stores the services reach, by CIDR: network policies cannot name AWS resources. */
export interface DataStoreNetworks {
  /** Subnets of the Aurora PostgreSQL cluster (app VPC database subnets). */
  readonly postgresCidrs: readonly string[];
  /** The MongoDB VPC. */
  readonly mongoCidr: string;
  /** The RabbitMQ VPC. */
  readonly rabbitCidr: string;
}

/** Secrets Manager secrets (ARNs or names) the runtime's settings come from; RuntimeSecrets creates them. */
export interface RuntimeSecretSources {
  /** The database's master credentials: a JSON secret with `username`, `password`, `host` and `port` (RDS's format). */
  readonly database: string;
  /**
   * The secret of the bootstrap admin client `platform-admin` in tenant `platform`
   * (PLATFORM_ADMIN_CLIENT_SECRET), a plain string.
   */
  readonly platformAdminClientSecret: string;
  /**
   * The Amazon MQ broker's credentials: a JSON secret with `username` and `password` (RabbitBroker's
   * admin secret), composed with the broker's AMQPS endpoint into AMQP_URL.
   */
  readonly broker: string;
  /**
   * The DocumentDB cluster's credentials: a JSON secret with `username`, `password`, `host` and
   * `port` (the cluster's attached master secret), composed into AUDIT_MONGO_URL.
   */
  readonly auditStore: string;
  /** The key-encryption key, {@link KEY_MATERIAL} characters. */
  readonly keyEncryptionKey: string;
  /** The client-secret pepper, {@link KEY_MATERIAL} characters. */
  readonly clientSecretPepper: string;
  /**
   * The smoke-test client: a JSON secret with `tenant`, `client_id` and `client_secret`
   * (SmokeClient), which the runtime provisions at start.
   * @default no smoke client
   */
  readonly smokeClient?: string;
}

/**
 * How 32 random bytes are kept in Secrets Manager, whose generator emits characters, not bytes:
 * 43 characters drawn uniformly from the 64-character base64 alphabet (A-Z a-z 0-9 + /) carry
 * 258 random bits; a base64 decoder keeps the first 256 as 32 bytes. The ExternalSecret template
 * appends the padding, so the pods see standard base64 of exactly 32 bytes, which the runtime's
 * `base64Bytes(..., { min: 32, max: 32 })` (runtime/src/config/env.ts) accepts.
 */
export const KEY_MATERIAL = {
  bytes: 32,
  characters: 43,
  padding: '=',
  /** Secrets Manager's punctuation set without `+` and `/`, the two base64 symbols it contains. */
  excludeCharacters: '!"#$%&\'()*,-.:;<=>?@[\\]^_`{|}~',
} as const;
