import { Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * External Secrets Operator's Helm chart, pinned: 2.14.0 was the current release when pinned
 * (November 2026; its release notes name the controller image v2.14.0). Serves the
 * external-secrets.io/v1 API the charts use.
 */
export const EXTERNAL_SECRETS_CHART_VERSION = '2.14.0';
const EXTERNAL_SECRETS_REPOSITORY = 'https://charts.external-secrets.io';
export const SECRETS_OPERATOR_NAMESPACE = 'external-secrets';
/** The controller's service account: the only one of the chart that calls AWS. */
export const SECRETS_OPERATOR_SERVICE_ACCOUNT = 'external-secrets';

export interface SecretsOperatorProps {
  readonly cluster: eks.ICluster;
  /** Controller replicas (one leader, the others on standby). @default 2 */
  readonly replicas?: number;
}

/** Pod Security "restricted" for every container of the chart. */
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * External Secrets Operator, which copies secrets from AWS Secrets Manager
 * into Kubernetes Secrets, with its controller's AWS identity from EKS Pod
 * Identity. The role has no permission until a secret owner grants it
 * (RuntimeSecrets.grantRead).
 *
 * Why ESO rather than the Secrets Store CSI Driver with the AWS provider (ASCP,
 * also an EKS add-on since 2025): the runtime reads its settings from
 * environment variables and, for the rotating DATABASE_URL, a secret volume
 * file (both backed by a Kubernetes Secret), and the CSI driver can fill a Kubernetes Secret only
 * as a side effect of a pod mounting the volume, with the values copied
 * verbatim. DATABASE_URL must be composed from five fields of the RDS master
 * secret and the key material padded, which an ExternalSecret template does;
 * ESO keeps the Secret in sync whether or not a pod is running, and needs no
 * privileged DaemonSet on the nodes. The Secret it writes is envelope-encrypted
 * by EKS with the platform key like every other.
 */
export class SecretsOperator extends Construct {
  /** The operator and its CRDs; manifests with ExternalSecrets depend on it. */
  readonly chart: eks.HelmChart;
  /** The controller's role, assumed through Pod Identity. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: SecretsOperatorProps) {
    super(scope, id);
    const replicas = props.replicas ?? 2;
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`SecretsOperator: 'replicas' must be a positive integer (got ${replicas})`);
    const cluster = props.cluster;

    // Outside the mesh and without network policies: it talks only to the API server and
    // Secrets Manager, and the identity namespace's default deny does not apply to it.
    const namespace = cluster.addManifest('ExternalSecretsNamespace', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: SECRETS_OPERATOR_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });

    this.role = new iam.Role(this, 'ControllerRole', {
      assumedBy: new iam.SessionTagsPrincipal(
        new iam.ServicePrincipal('pods.eks.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnEquals: { 'aws:SourceArn': cluster.clusterArn } },
        }),
      ),
      description: 'External Secrets Operator controller: reads the secrets granted to it from Secrets Manager',
    });
    const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentity', {
      clusterName: cluster.clusterName,
      namespace: SECRETS_OPERATOR_NAMESPACE,
      serviceAccount: SECRETS_OPERATOR_SERVICE_ACCOUNT,
      roleArn: this.role.roleArn,
    });

    this.chart = cluster.addHelmChart('ExternalSecrets', {
      chart: 'external-secrets',
      release: 'external-secrets',
      repository: EXTERNAL_SECRETS_REPOSITORY,
      version: EXTERNAL_SECRETS_CHART_VERSION,
      namespace: SECRETS_OPERATOR_NAMESPACE,
      createNamespace: false,
      // The webhook must answer before ExternalSecrets can be created.
      wait: true,
      values: {
        installCRDs: true,
        replicaCount: replicas,
        leaderElect: replicas > 1,
        serviceAccount: { create: true, name: SECRETS_OPERATOR_SERVICE_ACCOUNT },
        securityContext: RESTRICTED_CONTAINER,
        // Node replacement (Auto Mode recycles nodes within 14 days) must not take the webhook or all controllers at once.
        podDisruptionBudget: { enabled: replicas > 1, minAvailable: 1 },
        webhook: { replicaCount: 2, securityContext: RESTRICTED_CONTAINER, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
        certController: { securityContext: RESTRICTED_CONTAINER },
        // Only namespaced SecretStores and ExternalSecrets: nothing cluster-wide, nothing written back to AWS.
        processClusterStore: false,
        processClusterExternalSecret: false,
        processClusterGenerator: false,
        processClusterPushSecret: false,
        processPushSecret: false,
      },
    });
    this.chart.node.addDependency(namespace);
    // Pod Identity injects credentials when a pod starts.
    this.chart.node.addDependency(association);
  }
}
