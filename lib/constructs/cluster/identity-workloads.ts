import * as path from 'path';
import { Fn, Stack } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { TRAEFIK_INGRESS, type DataStoreNetworks } from '../../charts/contract';
import { PORTS } from '../../config/ports';
import { IdentityChart, type IdentityServiceSpec } from '../../charts/identity-chart';
import type { BrandCluster } from './brand-cluster';
import type { RuntimeSecrets } from './runtime-secrets';

/**
 * What the runtime needs from the brand's keys (BrandKeys), nothing else: envelope encryption
 * of personal data with the customer keys, and the signing-key seal with the platform key.
 */
export interface RuntimeKeyAccess {
  /** The brand id in the keys' aliases: BRANDSTACK_BRAND. */
  readonly brandId: string;
  /**
   * The customers with a key, in brand-file order: BRANDSTACK_CUSTOMERS. Read from the keys, so
   * the runtime accepts exactly the customers whose keys its role may use.
   */
  readonly customers: readonly string[];
  grantCustomerEnvelopeEncryption(grantee: iam.IGrantable): void;
  grantSigningKeySeal(grantee: iam.IGrantable): void;
}

export interface IdentityWorkloadsProps {
  /** The cluster, with its ingress controller and mesh. */
  readonly cluster: BrandCluster;
  /**
   * The brand's keys: each service's role may use the customer keys, each only with its
   * customer's encryption context, and the platform key only to seal signing keys (and through
   * SNS, for the security topic).
   */
  readonly keys: RuntimeKeyAccess;
  /**
   * The runtime's secrets in Secrets Manager. The cluster's secrets operator is granted read
   * access to exactly these and writes them into the namespace as the runtime Secret.
   */
  readonly runtimeSecrets: RuntimeSecrets;
  /** The issuer's host: `ISSUER_BASE_URL` is `https://<domain>`. */
  readonly domain: string;
  /** The hosts the public routes answer on. @default [domain] */
  readonly hostnames?: readonly string[];
  /** Fewest replicas of each service (at least 2). */
  readonly minReplicas: number;
  /** Most replicas of each service. */
  readonly maxReplicas: number;
  /** Refuse scheduling that unbalances zones (production). @default true */
  readonly strictZoneSpread?: boolean;
  /** Where the data stores are, for the egress network policies. */
  readonly dataStores: DataStoreNetworks;
  /**
   * The broker's AMQPS listener, `host:port` (see {@link amqpsEndpointOf}): AMQP_URL is composed
   * from it and the broker's credentials (RuntimeSecrets `brokerSecret`).
   */
  readonly brokerEndpoint: string;
  /** Days the audit trail keeps an event: the stage's `auditRetentionDays`. */
  readonly auditRetentionDays: number;
  /**
   * The CIDRs of the subnets the cluster's pods get their addresses from (the VPC CNI of EKS
   * Auto Mode gives pods VPC addresses from the nodes' subnets:
   * https://docs.aws.amazon.com/eks/latest/userguide/auto-networking.html). The ingress
   * controller's pods are among them, so these are the runtime's trusted proxies
   * (`TRUSTED_PROXY_CIDRS`); the NetworkPolicies keep every other pod in them from reaching
   * the runtime (IdentityChart).
   */
  readonly podSubnetCidrs: readonly string[];
  /**
   * The topic that notifies the brand's security contact (the bastion's alarm topic). Each
   * service's role may publish to it, and may use its KMS key only through SNS; the runtime
   * publishes an event each time it blocks an IP (`SECURITY_TOPIC_ARN`).
   */
  readonly securityTopic: sns.ITopic;
  /** The services. @default IDENTITY_SERVICES */
  readonly services?: readonly IdentityServiceSpec[];
}

/** The repository root: the Docker build context of the runtime image (filtered by .dockerignore). */
const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

/**
 * The identity runtime in the cluster: its container image (built and pushed
 * by `cdk deploy`, never by synth), one IAM role per service bound to its
 * service account with EKS Pod Identity, and the identity chart applied by
 * the cluster's kubectl provider. The chart's ExternalSecret has the
 * cluster's secrets operator write the runtime Secret from RuntimeSecrets.
 */
export class IdentityWorkloads extends Construct {
  readonly image: ecrAssets.DockerImageAsset;
  readonly chart: IdentityChart;
  /** Kubernetes objects of the chart, as applied. */
  readonly manifest: eks.KubernetesManifest;
  private readonly roles = new Map<string, iam.Role>();

  constructor(scope: Construct, id: string, props: IdentityWorkloadsProps) {
    super(scope, id);
    const cluster = props.cluster.cluster;

    this.image = new ecrAssets.DockerImageAsset(this, 'RuntimeImage', {
      directory: REPOSITORY_ROOT,
      file: 'runtime/Dockerfile',
      platform: ecrAssets.Platform.LINUX_AMD64,
    });

    const app = new cdk8s.App();
    this.chart = new IdentityChart(app, 'identity', {
      image: this.image.imageUri,
      domain: props.domain,
      hostnames: props.hostnames,
      region: Stack.of(this).region,
      brandId: props.keys.brandId,
      customers: props.keys.customers,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      strictZoneSpread: props.strictZoneSpread,
      dataStores: props.dataStores,
      brokerEndpoint: props.brokerEndpoint,
      auditRetentionDays: props.auditRetentionDays,
      ingress: TRAEFIK_INGRESS,
      trustedProxyCidrs: props.podSubnetCidrs,
      securityTopicArn: props.securityTopic.topicArn,
      secretSources: props.runtimeSecrets.sources,
      services: props.services,
    });
    this.manifest = cluster.addCdk8sChart('IdentityChart', this.chart);
    // The chart uses Istio's, Traefik's and External Secrets' CRDs and needs nodes.
    const operator = props.cluster.secretsOperator;
    this.manifest.node.addDependency(props.cluster.mesh.ready, props.cluster.ingress.chart, props.cluster.nodePool.manifest, operator.chart);
    const grant = props.runtimeSecrets.grantRead(operator.role);
    // The ExternalSecret's first read must find the permission in place.
    grant.applyBefore(this.manifest);

    // Only services that call AWS get an identity: the audit writer talks to RabbitMQ and DocumentDB
    // alone (its NetworkPolicy opens no route to AWS either), so it has no role to misuse.
    for (const service of this.chart.services.filter((s) => s.awsApis)) {
      // Pod Identity: the agent on each node trades the pod's service-account token for this role.
      // SourceArn/SourceAccount stop another cluster from assuming it (confused deputy).
      const role = new iam.Role(this, `Role-${service.name}`, {
        assumedBy: new iam.SessionTagsPrincipal(
          new iam.ServicePrincipal('pods.eks.amazonaws.com', {
            conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnEquals: { 'aws:SourceArn': cluster.clusterArn } },
          }),
        ),
        description: `Identity service ${service.name}: personal data under the brand's customer keys; signing keys sealed under its platform key; publishes security events`,
      });
      props.keys.grantCustomerEnvelopeEncryption(role);
      props.keys.grantSigningKeySeal(role);
      grantSecurityEventPublish(props.securityTopic, role);
      const association = new eks.CfnPodIdentityAssociation(this, `PodIdentity-${service.name}`, {
        clusterName: cluster.clusterName,
        namespace: this.chart.namespaceName,
        serviceAccount: service.serviceAccount.name,
        roleArn: role.roleArn,
      });
      // Pod Identity injects credentials when a pod starts: the association must exist before the pods do.
      this.manifest.node.addDependency(association);
      this.roles.set(service.name, role);
    }
  }

  /** The IAM role of one service. */
  roleOf(service: string): iam.IRole {
    const role = this.roles.get(service);
    if (!role) throw new Error(`IdentityWorkloads: no service '${service}' with an AWS role; services with one: ${[...this.roles.keys()].join(', ')}`);
    return role;
  }
}

/**
 * `host:port` of a broker's AMQPS listener, from Amazon MQ's AmqpEndpoints attribute
 * (`amqps://b-<id>.mq.<region>.amazonaws.com:5671`; one endpoint for a single instance, and one,
 * the cluster's load balancer, for CLUSTER_MULTI_AZ:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-amazonmq-broker.html#aws-resource-amazonmq-broker-return-values).
 * The port is PORTS.amqps, where Amazon MQ for RabbitMQ takes AMQP over TLS.
 */
export function amqpsEndpointOf(amqpEndpoints: string[]): string {
  const host = Fn.select(0, Fn.split(':', Fn.select(1, Fn.split('amqps://', Fn.select(0, amqpEndpoints)))));
  return `${host}:${PORTS.amqps}`;
}

/**
 * sns:Publish on the security topic and, when the topic is encrypted, the two key actions SNS
 * needs from a publisher of an SSE topic: kms:GenerateDataKey and kms:Decrypt
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html; AWS's own publisher policy
 * for an SSE topic lists exactly these two:
 * https://docs.aws.amazon.com/gamelift/latest/flexmatchguide/queue-notification-sns-sse.html).
 * Not `topic.grantPublish()`: it would grant the key actions unconditionally, and the bastion's
 * topic key is the platform key, which also encrypts the brand's secrets, volumes and backups.
 * `kms:ViaService` keeps the role's use of the key to requests SNS makes on its behalf
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 * The platform key's policy delegates to IAM (BrandKeys), so this identity policy is enough.
 */
function grantSecurityEventPublish(topic: sns.ITopic, role: iam.IRole): iam.Grant {
  const publish = iam.Grant.addToPrincipal({ grantee: role, actions: ['sns:Publish'], resourceArns: [topic.topicArn] });
  const key = topic.masterKey;
  if (!key) return publish;
  const stack = Stack.of(topic);
  const useKey = iam.Grant.addToPrincipal({
    grantee: role,
    actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
    resourceArns: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `sns.${stack.region}.${stack.urlSuffix}` } },
  });
  return publish.combine(useKey);
}
