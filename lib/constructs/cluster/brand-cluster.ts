import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../logging/encrypted-log-group';
import { requireRetention } from '../logging/retention';
import { EncryptedNodePool } from './encrypted-node-pool';
import { IngressController } from './ingress-controller';
import { SecretsOperator } from './secrets-operator';
import { ServiceMesh } from './service-mesh';

/**
 * Kubernetes 1.34: the version cdk8s-plus-34 (our chart library) models, with
 * its kubectl layer. EKS standard support for 1.34 ends around December 2026:
 * bump together with the next cdk8s-plus major.
 */
export const KUBERNETES_VERSION = eks.KubernetesVersion.V1_34;

/** Every control-plane log type EKS can send to CloudWatch Logs. */
export const CONTROL_PLANE_LOG_TYPES: readonly eks.ClusterLoggingTypes[] = [
  eks.ClusterLoggingTypes.API,
  eks.ClusterLoggingTypes.AUDIT,
  eks.ClusterLoggingTypes.AUTHENTICATOR,
  eks.ClusterLoggingTypes.CONTROLLER_MANAGER,
  eks.ClusterLoggingTypes.SCHEDULER,
];

export interface BrandClusterProps {
  /** Physical cluster name; also names the control-plane log group. */
  readonly clusterName: string;
  /** The application VPC. */
  readonly vpc: ec2.IVpc;
  /** Private subnets, one per zone, for the control-plane ENIs, the nodes and the kubectl handler. */
  readonly subnets: ec2.SelectedSubnets;
  /** Envelope-encrypts Kubernetes secrets, node volumes and the control-plane logs. */
  readonly key: kms.IKey;
  /** Public domain of the ingress; its ACM certificate is issued here. */
  readonly ingressDomain: string;
  /** How long control-plane logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The IAM role that administers the cluster, through an access entry with
   * AmazonEKSClusterAdminPolicy.
   * @default - a role `ClusterAdmin` that principals of this account may assume
   */
  readonly adminRole?: iam.IRole;
  /**
   * What happens to the cluster, its roles and log group when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The brand's EKS cluster: private API endpoint, secrets envelope-encrypted
 * with the brand key, every control-plane log type on, IAM access entries
 * only (no aws-auth ConfigMap), and the add-ons the identity workloads need
 * (compute, ingress, metrics for the HPA, the mesh, secret delivery).
 *
 * Compute is EKS Auto Mode rather than managed node groups: AWS runs the
 * node autoscaler (Karpenter), patches and replaces nodes (at most 14 days
 * old here), and provides the load balancer controller, EBS driver, Pod
 * Identity agent and network-policy agent that a node-group cluster would
 * have to install and upgrade as separate add-ons. The nodes are EC2 managed
 * instances: AWS owns their launch templates and metadata options, and no
 * principal of the account (not even root) can change them or their instance
 * profile; pods get AWS credentials from Pod Identity, never from the node.
 * (Security Overview of Amazon EKS Auto Mode, "EKS Auto Mode data plane".)
 * The stack therefore has no launch template or instance to harden. Node
 * volumes still use the brand key, through the NodeClass of EncryptedNodePool.
 */
export class BrandCluster extends Construct {
  readonly cluster: eks.Cluster;
  /** The role that administers the cluster. */
  readonly adminRole: iam.IRole;
  readonly nodePool: EncryptedNodePool;
  readonly ingress: IngressController;
  readonly mesh: ServiceMesh;
  /** External Secrets Operator: delivers Secrets Manager secrets into namespaces. */
  readonly secretsOperator: SecretsOperator;

  constructor(scope: Construct, id: string, props: BrandClusterProps) {
    super(scope, id);
    if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(props.clusterName)) {
      throw new Error(`BrandCluster: 'clusterName' must be 1-100 letters, digits, '-' and '_', starting with a letter or digit (got '${props.clusterName}')`);
    }
    const zones = new Set(props.subnets.availabilityZones);
    if (zones.size < 3) throw new Error(`BrandCluster: 'subnets' must span three availability zones (got ${[...zones].join(', ') || 'none'})`);
    requireRetention('BrandCluster', 'logRetention', props.logRetention);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // EKS writes control-plane logs to this fixed group name; creating it first sets its key and retention.
    const logGroup = new EncryptedLogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${props.clusterName}/cluster`,
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy,
    });

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      version: KUBERNETES_VERSION,
      kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(this, 'KubectlLayer') },
      vpc: props.vpc,
      vpcSubnets: [{ subnets: props.subnets.subnets }],
      endpointAccess: eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: props.key,
      clusterLogging: [...CONTROL_PLANE_LOG_TYPES],
      // Administrators are the explicit access entry below, not whoever ran the deployment.
      bootstrapClusterCreatorAdminPermissions: false,
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: [] },
      outputConfigCommand: false,
      removalPolicy,
    });
    this.cluster.node.addDependency(logGroup);

    this.adminRole =
      props.adminRole ??
      new iam.Role(this, 'ClusterAdmin', {
        assumedBy: new iam.AccountPrincipal(this.cluster.stack.account),
        description: `Administers EKS cluster ${props.clusterName} through an access entry`,
      });
    this.cluster.grantAccess('ClusterAdminAccess', this.adminRole.roleArn, [
      eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER }),
    ]);

    this.nodePool = new EncryptedNodePool(this, 'Compute', {
      cluster: this.cluster,
      subnets: props.subnets.subnets,
      volumeKey: props.key,
    });

    // Resource metrics for the HorizontalPodAutoscalers; an EKS add-on, so EKS picks the build for 1.34.
    const metricsServer = new eks.Addon(this, 'MetricsServer', { cluster: this.cluster, addonName: 'metrics-server' });
    metricsServer.node.addDependency(this.nodePool.manifest);

    this.mesh = new ServiceMesh(this, 'Mesh', { cluster: this.cluster });
    this.mesh.crds.node.addDependency(this.nodePool.manifest);

    this.ingress = new IngressController(this, 'Ingress', {
      cluster: this.cluster,
      domain: props.ingressDomain,
      vpcCidr: props.vpc.vpcCidrBlock,
    });
    this.ingress.chart.node.addDependency(this.mesh.ready);

    this.secretsOperator = new SecretsOperator(this, 'Secrets', { cluster: this.cluster });
    this.secretsOperator.chart.node.addDependency(this.nodePool.manifest);
  }
}
