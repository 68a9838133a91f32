import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct, type IDependable } from 'constructs';

/**
 * ExternalDNS's Helm chart (kubernetes-sigs), pinned: chart 1.21.1 ships ExternalDNS v0.21.0
 * (charts/external-dns/Chart.yaml, appVersion). v0.21 reads its annotations under
 * `external-dns.alpha.kubernetes.io/`; v0.22 moved the default to `external-dns.kubernetes.io/`,
 * so the prefix is also passed explicitly (`--annotation-prefix`) and a chart bump cannot
 * silently stop the records from being published.
 */
export const EXTERNAL_DNS_CHART_VERSION = '1.21.1';
const EXTERNAL_DNS_REPOSITORY = 'https://kubernetes-sigs.github.io/external-dns/';
export const EXTERNAL_DNS_NAMESPACE = 'external-dns';
export const EXTERNAL_DNS_SERVICE_ACCOUNT = 'external-dns';
export const EXTERNAL_DNS_ANNOTATION_PREFIX = 'external-dns.alpha.kubernetes.io/';

/**
 * The annotations ExternalDNS reads from a Service of type LoadBalancer.
 * https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/annotations/annotations.md
 * https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/tutorials/aws.md#routing-policies
 */
export const EXTERNAL_DNS_ANNOTATIONS = {
  /** Comma-separated names to publish for the Service's load balancer. */
  hostname: `${EXTERNAL_DNS_ANNOTATION_PREFIX}hostname`,
  /** Distinguishes the records of one routing-policy group (one per region here). */
  setIdentifier: `${EXTERNAL_DNS_ANNOTATION_PREFIX}set-identifier`,
  /** Makes the records latency-routed, measured to this AWS region. */
  awsRegion: `${EXTERNAL_DNS_ANNOTATION_PREFIX}aws-region`,
  /** An existing Route 53 health check the records are associated with (ExternalDNS does not create it). */
  awsHealthCheckId: `${EXTERNAL_DNS_ANNOTATION_PREFIX}aws-health-check-id`,
} as const;

/**
 * Record types ExternalDNS writes for a Network Load Balancer: an alias A record (AAAA
 * when dual-stack) per name, and the TXT ownership record of the txt registry.
 */
const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'TXT'];

/** Pod Security "restricted" for the controller. */
const RESTRICTED_CONTAINER = {
  privileged: false,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  seccompProfile: { type: 'RuntimeDefault' },
};

export interface ExternalDnsProps {
  readonly cluster: eks.ICluster;
  /** The one Route 53 public hosted zone ExternalDNS may write to. */
  readonly zone: route53.IHostedZone;
  /**
   * The names ExternalDNS may publish, all in `zone`. They are also its domain filter,
   * and the IAM policy allows changes to exactly these names and their TXT ownership records.
   */
  readonly hostnames: readonly string[];
  /**
   * The TXT registry owner id: unique per stack, so two stacks (regions or environments)
   * publishing into one zone never take over or delete each other's records.
   */
  readonly ownerId: string;
  /** Namespace whose LoadBalancer Services are read (the ingress controller's). */
  readonly sourceNamespace: string;
  /**
   * How records follow the Services.
   * - `sync` (default): creates, updates and deletes the records this owner id owns
   *   (by its TXT records), so a renamed hostname or a region taken out of the latency
   *   group leaves no record pointing at a deleted load balancer. Records of other owners
   *   and records without an ownership TXT are never touched.
   * - `upsert-only`: never deletes; stale records stay until someone removes them.
   * @default 'sync'
   */
  readonly policy?: 'sync' | 'upsert-only';
  /**
   * Installed after these: at least what gives the cluster nodes (the node pool), since
   * Helm waits for the controller's pod to be ready and fails the deployment if it cannot schedule.
   * @default - no ordering beyond the cluster itself
   */
  readonly after?: readonly IDependable[];
}

/**
 * ExternalDNS (kubernetes-sigs), publishing the ingress load balancer's names into one
 * Route 53 hosted zone. The NLB is created inside the cluster by EKS Auto Mode, so its
 * DNS name exists only after the Service does; ExternalDNS writes the alias records
 * then, with no manual step. It runs with an EKS Pod Identity role limited to that zone.
 *
 * IAM follows the ExternalDNS AWS tutorial
 * (https://github.com/kubernetes-sigs/external-dns/blob/v0.21.0/docs/tutorials/aws.md#iam-policy),
 * narrowed: ChangeResourceRecordSets, ListResourceRecordSets and ListTagsForResources on
 * the one zone's ARN, and only ListHostedZones (which has no resource type:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html)
 * on `*`. Changes are further limited to the given names (and their TXT records) and record types
 * with Route 53's fine-grained condition keys
 * (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/specifying-conditions-route53.html).
 */
export class ExternalDns extends Construct {
  readonly chart: eks.HelmChart;
  /** The controller's role, assumed through Pod Identity. */
  readonly role: iam.Role;
  /** The names the controller may publish. */
  readonly hostnames: readonly string[];
  readonly ownerId: string;
  readonly policy: 'sync' | 'upsert-only';

  constructor(scope: Construct, id: string, props: ExternalDnsProps) {
    super(scope, id);
    if (props.hostnames.length === 0) throw new Error(`ExternalDns: 'hostnames' must name at least one name to publish`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(props.ownerId)) {
      throw new Error(`ExternalDns: 'ownerId' must be 1-128 letters, digits, '.', '_' and '-' (got '${props.ownerId}')`);
    }
    this.hostnames = [...props.hostnames];
    this.ownerId = props.ownerId;
    this.policy = props.policy ?? 'sync';
    const cluster = props.cluster;

    const namespace = cluster.addManifest('ExternalDnsNamespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: EXTERNAL_DNS_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });

    this.role = new iam.Role(this, 'ControllerRole', {
      assumedBy: new iam.SessionTagsPrincipal(
        new iam.ServicePrincipal('pods.eks.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnEquals: { 'aws:SourceArn': cluster.clusterArn } },
        }),
      ),
      description: `ExternalDNS: publishes ${this.hostnames.join(', ')} into one Route 53 hosted zone`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['route53:ChangeResourceRecordSets'],
        resources: [props.zone.hostedZoneArn],
        conditions: {
          'ForAllValues:StringEquals': {
            'route53:ChangeResourceRecordSetsNormalizedRecordNames': this.hostnames.flatMap(recordNamesOf),
            'route53:ChangeResourceRecordSetsRecordTypes': RECORD_TYPES,
            'route53:ChangeResourceRecordSetsActions': this.policy === 'sync' ? ['CREATE', 'UPSERT', 'DELETE'] : ['CREATE', 'UPSERT'],
          },
        },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['route53:ListResourceRecordSets', 'route53:ListTagsForResources'], resources: [props.zone.hostedZoneArn] }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['route53:ListHostedZones'], resources: ['*'] }));

    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: EXTERNAL_DNS_NAMESPACE,
      serviceAccount: EXTERNAL_DNS_SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });

    this.chart = cluster.addHelmChart('ExternalDns', {
      chart: 'external-dns',
      release: 'external-dns',
      repository: EXTERNAL_DNS_REPOSITORY,
      version: EXTERNAL_DNS_CHART_VERSION,
      namespace: EXTERNAL_DNS_NAMESPACE,
      createNamespace: false,
      wait: true,
      values: {
        // ExternalDNS has no leader election: one replica, or records would be written twice.
        replicaCount: 1,
        serviceAccount: { create: true, name: EXTERNAL_DNS_SERVICE_ACCOUNT },
        securityContext: RESTRICTED_CONTAINER,
        resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
        // Namespaced RBAC (a Role, no ClusterRole): it reads only the ingress controller's Services.
        namespaced: true,
        sourceNamespace: props.sourceNamespace,
        sources: ['service'],
        provider: { name: 'aws' },
        env: [{ name: 'AWS_REGION', value: Stack.of(this).region }],
        policy: this.policy,
        registry: 'txt',
        txtOwnerId: props.ownerId,
        annotationPrefix: EXTERNAL_DNS_ANNOTATION_PREFIX,
        domainFilters: this.hostnames,
        extraArgs: [`--zone-id-filter=${props.zone.hostedZoneId}`, '--aws-zone-type=public'],
      },
    });
    this.chart.node.addDependency(namespace);
    // Pod Identity injects credentials when a pod starts.
    this.chart.node.addDependency(association);
    for (const dependency of props.after ?? []) this.chart.node.addDependency(dependency);
  }
}

/**
 * The normalized record names ExternalDNS v0.21 writes for a name: the name itself
 * and its TXT ownership records `<type>-<first label>.<rest>` (an alias A record is
 * registered as `cname-`); registry/txt and registry/mapper in v0.21.0.
 */
export function recordNamesOf(hostname: string): string[] {
  const [first, ...rest] = hostname.toLowerCase().split('.');
  const tail = rest.length ? `.${rest.join('.')}` : '';
  return [hostname.toLowerCase(), ...['a', 'aaaa', 'cname'].map((type) => `${type}-${first}${tail}`)];
}
