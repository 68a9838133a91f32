/**
 * The runtime's Kubernetes Secret, delivered from AWS Secrets Manager by the
 * External Secrets Operator: a SecretStore that uses the operator's own AWS
 * identity (EKS Pod Identity), and an ExternalSecret whose template composes
 * the RUNTIME_SECRETS (and, when given, the SMOKE_CLIENT_SECRETS) from the Secrets Manager values.
 * Each service mounts only the keys it reads (the audit writer: AUDIT_WRITER_SECRETS).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SMOKE_CLIENT_FIELDS, SMOKE_CLIENT_VARIABLES } from '../../runtime/src/config/smoke-client-config';
import { KEY_MATERIAL, type RuntimeSecretSources } from './contract';

/** Runtime settings that are secrets: read from the Kubernetes Secret by reference. */
export const RUNTIME_SECRETS = ['DATABASE_URL', 'PLATFORM_ADMIN_CLIENT_SECRET', 'KEY_ENCRYPTION_KEY', 'CLIENT_SECRET_PEPPER', 'AMQP_URL', 'AUDIT_MONGO_URL'] as const;
export type RuntimeSecretKey = (typeof RUNTIME_SECRETS)[number];
/**
 * The runtime secrets that change while pods run: Secrets Manager rotates the Aurora and DocumentDB
 * master passwords (single-user rotation), and the broker's credentials may be changed by an
 * operator. Each is mounted as a file and the process is given `<NAME>_FILE`
 * (runtime/src/config/production-config.ts, runtime/src/audit-writer/audit-writer-config.ts), which
 * it re-reads for each new connection; an environment variable would keep the old password until
 * the pod restarts. The others are never rotated (RuntimeSecrets) and stay environment variables.
 */
export const ROTATING_RUNTIME_SECRETS: readonly RuntimeSecretKey[] = ['DATABASE_URL', 'AMQP_URL', 'AUDIT_MONGO_URL'];
/** What the audit writer reads of the runtime Secret: the broker it consumes from and the trail it writes. Nothing else is mounted into its pods. */
export const AUDIT_WRITER_SECRETS: readonly RuntimeSecretKey[] = ['AMQP_URL', 'AUDIT_MONGO_URL'];
/**
 * Runtime settings present when the sources name a smoke client (SmokeClient): the tenant, client
 * id and secret the runtime provisions at start (runtime/src/config/smoke-client-config.ts).
 */
export const SMOKE_CLIENT_SECRETS = SMOKE_CLIENT_VARIABLES;

/**
 * The Amazon RDS CA bundle inside the runtime image (runtime/Dockerfile). node-postgres
 * (pg-connection-string 2.x) treats `sslmode=require` as verify-full against Node's built-in
 * CAs, which do not include the RDS CAs, so the URL names the bundle and asks for verify-full:
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/UsingWithRDS.SSL.html
 */
export const RDS_CA_BUNDLE_PATH = '/app/certs/rds-global-bundle.pem';

/**
 * The options of AUDIT_MONGO_URL, as AWS gives them for connecting to a DocumentDB cluster
 * (https://docs.aws.amazon.com/documentdb/latest/developerguide/connect_programmatically.html):
 * TLS verified against the RDS global CA bundle (DocumentDB's certificates chain to the same
 * roots as Aurora's, so the bundle already in the image serves both), the cluster's replica set
 * `rs0`, reads from replicas when there are any, and no retryable writes, which DocumentDB does
 * not support.
 */
export const DOCUMENT_DB_URL_OPTIONS = `tls=true&tlsCAFile=${RDS_CA_BUNDLE_PATH}&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`;

/** `host:port`: a DNS name (or CloudFormation token) and a port. */
const ENDPOINT = /^[^\s/:@?#]+:\d{1,5}$/;

export interface RuntimeSecretProps {
  /** Namespace of the Secret and of the pods that read it. */
  readonly namespace: string;
  /** Name of the Kubernetes Secret to create. */
  readonly secretName: string;
  /** AWS region of the Secrets Manager secrets. */
  readonly region: string;
  /** Where each value comes from. */
  readonly sources: RuntimeSecretSources;
  /**
   * The broker's AMQPS listener, `host:port` (Amazon MQ's AmqpEndpoints without the scheme):
   * AMQP_URL is `amqps://<broker user>:<password>@<brokerEndpoint>`.
   */
  readonly brokerEndpoint: string;
  /**
   * Database the runtime connects to. Aurora creates only `postgres` when the cluster
   * names no default database; the runtime keeps its tables in its own schema there.
   * @default 'postgres'
   */
  readonly databaseName?: string;
  /**
   * How often the operator re-reads Secrets Manager. After Secrets Manager rotates the database
   * password, new database connections fail until the Secret has the new one (this interval) and
   * the kubelet has refreshed the mounted file (about a minute more). Each refresh costs one
   * GetSecretValue per source secret: 6 secrets × once a minute ≈ 259k calls a month ≈ $1.30
   * at $0.05 per 10,000 API calls (13 calls, ≈ $2.81, should the provider fetch once per data
   * entry), which is worth a ~2-minute window instead of up to an hour.
   * @default '1m'
   */
  readonly refreshInterval?: string;
}

/** The keys of the template's input, one per Secrets Manager value. */
const INPUT = {
  dbUsername: ['database', 'username'],
  dbPassword: ['database', 'password'],
  dbHost: ['database', 'host'],
  dbPort: ['database', 'port'],
  platformAdminClientSecret: ['platformAdminClientSecret', undefined],
  keyEncryptionKey: ['keyEncryptionKey', undefined],
  clientSecretPepper: ['clientSecretPepper', undefined],
  brokerUsername: ['broker', 'username'],
  brokerPassword: ['broker', 'password'],
  mongoUsername: ['auditStore', 'username'],
  mongoPassword: ['auditStore', 'password'],
  mongoHost: ['auditStore', 'host'],
  mongoPort: ['auditStore', 'port'],
} as const satisfies Record<string, readonly [keyof RuntimeSecretSources, string | undefined]>;

/** The smoke client's members, read only when the sources name its secret. */
const SMOKE_INPUT = {
  smokeTenant: ['smokeClient', SMOKE_CLIENT_FIELDS.tenant],
  smokeClientId: ['smokeClient', SMOKE_CLIENT_FIELDS.clientId],
  smokeClientSecret: ['smokeClient', SMOKE_CLIENT_FIELDS.clientSecret],
} as const satisfies Record<string, readonly [keyof RuntimeSecretSources, string]>;

export class RuntimeSecret extends Construct {
  readonly secretStore: ApiObject;
  readonly externalSecret: ApiObject;
  /** The keys of the Secret the ExternalSecret writes. */
  readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: RuntimeSecretProps) {
    super(scope, id);
    const databaseName = props.databaseName ?? 'postgres';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseName)) throw new Error(`RuntimeSecret: 'databaseName' must be a lower-case PostgreSQL identifier (got '${databaseName}')`);
    const refreshInterval = props.refreshInterval ?? '1m';
    if (!/^\d+(s|m|h)$/.test(refreshInterval) || /^0+[smh]$/.test(refreshInterval)) {
      throw new Error(`RuntimeSecret: 'refreshInterval' must be a positive duration such as 1h (got '${refreshInterval}')`);
    }
    for (const [source, value] of Object.entries(props.sources)) {
      if (!value) throw new Error(`RuntimeSecret: 'sources.${source}' must name a Secrets Manager secret`);
    }
    if (!ENDPOINT.test(props.brokerEndpoint)) throw new Error(`RuntimeSecret: 'brokerEndpoint' must be host:port of the broker's AMQPS listener (got '${props.brokerEndpoint}')`);

    // Namespaced store: only ExternalSecrets of this namespace can use it, and it authenticates
    // as the operator's controller (no `auth`: the AWS SDK's default chain finds Pod Identity).
    this.secretStore = new ApiObject(this, 'Store', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'SecretStore',
      metadata: { name: 'aws-secrets-manager', namespace: props.namespace },
      spec: { provider: { aws: { service: 'SecretsManager', region: props.region } } },
    });

    // Go templates (ESO template engine v2). urlquery escapes the user and password for the URL;
    // the runtime's parser (WHATWG URL) decodes them.
    const template: Record<string, string> = {
      DATABASE_URL:
        'postgres://{{ .dbUsername | urlquery }}:{{ .dbPassword | urlquery }}@{{ .dbHost }}:{{ .dbPort }}/' +
        `${databaseName}?sslmode=verify-full&sslrootcert=${RDS_CA_BUNDLE_PATH}`,
      PLATFORM_ADMIN_CLIENT_SECRET: '{{ .platformAdminClientSecret }}',
      KEY_ENCRYPTION_KEY: `{{ .keyEncryptionKey }}${KEY_MATERIAL.padding}`,
      CLIENT_SECRET_PEPPER: `{{ .clientSecretPepper }}${KEY_MATERIAL.padding}`,
      // Amazon MQ for RabbitMQ takes AMQP over TLS only, on 5671
      // (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/working-with-rabbitmq.html#rabbitmq-broker-listeners);
      // amqplib verifies its public certificate against Node's built-in CAs.
      AMQP_URL: `amqps://{{ .brokerUsername | urlquery }}:{{ .brokerPassword | urlquery }}@${props.brokerEndpoint}`,
      AUDIT_MONGO_URL: 'mongodb://{{ .mongoUsername | urlquery }}:{{ .mongoPassword | urlquery }}@{{ .mongoHost }}:{{ .mongoPort }}/?' + DOCUMENT_DB_URL_OPTIONS,
    };
    const input: Record<string, readonly [keyof RuntimeSecretSources, string | undefined]> = { ...INPUT };
    if (props.sources.smokeClient !== undefined) {
      Object.assign(input, SMOKE_INPUT);
      const [tenant, clientId, secret] = SMOKE_CLIENT_SECRETS;
      Object.assign(template, { [tenant]: '{{ .smokeTenant }}', [clientId]: '{{ .smokeClientId }}', [secret]: '{{ .smokeClientSecret }}' });
    }
    this.keys = Object.keys(template);

    this.externalSecret = new ApiObject(this, 'Secret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: props.secretName, namespace: props.namespace },
      spec: {
        refreshInterval,
        secretStoreRef: { kind: 'SecretStore', name: this.secretStore.name },
        target: {
          name: props.secretName,
          creationPolicy: 'Owner',
          // A source secret deleted from Secrets Manager leaves the last values in place rather than emptying the pods' settings.
          deletionPolicy: 'Retain',
          template: { engineVersion: 'v2', type: 'Opaque', data: template },
        },
        data: Object.entries(input).map(([secretKey, [source, property]]) => ({
          secretKey,
          remoteRef: { key: props.sources[source]!, ...(property ? { property } : {}) },
        })),
      },
    });
  }
}
