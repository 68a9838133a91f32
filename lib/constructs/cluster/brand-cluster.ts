import { KubectlV34Layer } from '@aws-cdk/lambda-layer-kubectl-v34';
import { Aws, CfnCondition, CfnOutput, Fn, RemovalPolicies, RemovalPolicy, type CfnResource } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { IAM_ROLE_ARN } from '../../config/access';
import { STACK_CREATION_SUFFIX_LENGTH, withStackCreationSuffix } from '../../config/naming';
import { PORTS } from '../../config/ports';
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

/** Stack output keys of the cluster's name and private API endpoint host, for the operators' commands. */
export const CLUSTER_OUTPUTS = { clusterName: 'EksClusterName', apiEndpointHost: 'EksApiEndpointHost' } as const;

/** EKS cluster names have 1-100 characters: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html#API_CreateCluster_RequestSyntax */
const CLUSTER_NAME_MAX_LENGTH = 100;

export interface BrandClusterProps {
  /**
   * Start of the cluster's name, which is `<clusterNamePrefix>-<stack-creation suffix>`
   * (lib/config/naming.ts). EKS writes the control-plane log to
   * `/aws/eks/<name>/cluster` while the cluster is being created, so the name
   * must be known before the cluster exists (CloudFormation cannot generate it),
   * and the cluster and that log group are kept in high: the suffix gives the
   * next creation of the stack new names. 1-91 letters, digits, '-' and '_',
   * starting with a letter or digit.
   */
  readonly clusterNamePrefix: string;
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
   * The operators' IAM roles, each given cluster admin (AmazonEKSClusterAdminPolicy,
   * cluster scope) through an access entry. They may be in several accounts (one
   * per pipeline stage; access entries accept roles of other accounts:
   * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html),
   * but each access entry carries a CloudFormation condition
   * `AWS::AccountId == <the role's account>`, so a stage's cluster admits only
   * its own account's operators, and one template (synthesized with or without
   * an account) is right in every account. Where no role is in the deploying
   * account, the cluster has no operator access entry: only the kubectl handler
   * administers it until an IAM administrator adds an entry. `brandstack
   * preflight` refuses that case before a deploy (the operator roles must exist
   * in the target account). At least one role.
   */
  readonly adminRoleArns: readonly string[];
  /**
   * What happens to the cluster itself, its IAM role and its control-plane log
   * group when they leave the stack. Nothing else of the cluster is kept,
   * whatever this says: the kubectl provider's Lambdas and roles, every Helm
   * release and Kubernetes manifest, the access entries and the API security
   * group are deleted with the stack (a kept Lambda or security group would keep
   * ENIs in the VPC, and the rollback would end in ROLLBACK_FAILED). The cluster
   * role and its policy are kept with the cluster, which cannot work without
   * them (they let EKS use the secrets key). A kept cluster
   * keeps its control-plane ENIs, so its VPC can only be deleted after it.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the deploy that created it rolls back)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The brand's EKS cluster: private API endpoint, secrets envelope-encrypted
 * with the brand key, every control-plane log type on, IAM access entries
 * only (no aws-auth ConfigMap), and the add-ons the identity workloads need
 * (compute, ingress, metrics for the HPA, the mesh, secret delivery).
 *
 * Operators administer it with kubectl through the bastion: the API security
 * group admits 443 from what {@link BrandCluster.allowApiAccessFrom} names, and
 * the operators' roles (`adminRoleArns`) have cluster-admin access entries,
 * each only in its own account.
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
  /** `<clusterNamePrefix>-<stack-creation suffix>`: a token until deploy time. */
  readonly clusterName: string;
  /**
   * The security group of the control-plane ENIs that decides who reaches the
   * private API endpoint (443). It admits nothing until {@link allowApiAccessFrom}.
   * (EKS adds its own cluster security group, which admits the nodes and the
   * kubectl handler: https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html.)
   */
  readonly apiSecurityGroup: ec2.SecurityGroup;
  readonly nodePool: EncryptedNodePool;
  readonly ingress: IngressController;
  readonly mesh: ServiceMesh;
  /** External Secrets Operator: delivers Secrets Manager secrets into namespaces. */
  readonly secretsOperator: SecretsOperator;

  constructor(scope: Construct, id: string, props: BrandClusterProps) {
    super(scope, id);
    const maxPrefix = CLUSTER_NAME_MAX_LENGTH - STACK_CREATION_SUFFIX_LENGTH - 1;
    if (!new RegExp(`^[0-9A-Za-z][A-Za-z0-9\\-_]{0,${maxPrefix - 1}}$`).test(props.clusterNamePrefix)) {
      throw new Error(
        `BrandCluster: 'clusterNamePrefix' must be 1-${maxPrefix} letters, digits, '-' and '_', starting with a letter or digit (got '${props.clusterNamePrefix}'); the stack-creation suffix makes up the ${CLUSTER_NAME_MAX_LENGTH} EKS allows`,
      );
    }
    const zones = new Set(props.subnets.availabilityZones);
    if (zones.size < 3) throw new Error(`BrandCluster: 'subnets' must span three availability zones (got ${[...zones].join(', ') || 'none'})`);
    requireRetention('BrandCluster', 'logRetention', props.logRetention);
    if (props.adminRoleArns.length === 0) throw new Error("BrandCluster: 'adminRoleArns' must list at least one IAM role ARN (the operators' cluster-admin roles)");
    for (const arn of props.adminRoleArns) {
      if (!IAM_ROLE_ARN.test(arn)) throw new Error(`BrandCluster: 'adminRoleArns' entry '${arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    this.clusterName = withStackCreationSuffix(props.clusterNamePrefix);

    // EKS writes control-plane logs to this name; creating it first sets its key and retention.
    // https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
    const logGroup = new EncryptedLogGroup(this, 'ControlPlaneLogs', {
      logGroupName: `/aws/eks/${this.clusterName}/cluster`,
      encryptionKey: props.key,
      retention: props.logRetention,
      removalPolicy,
    });

    this.apiSecurityGroup = new ec2.SecurityGroup(this, 'ApiSecurityGroup', {
      vpc: props.vpc,
      // Descriptions allow letters, digits, spaces and ._-:/()#,@[]+=&;{}!$* only:
      // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html
      description: 'EKS API endpoint (private): 443 from the operators bastion only',
    });

    this.cluster = new eks.Cluster(this, 'Cluster', {
      clusterName: this.clusterName,
      version: KUBERNETES_VERSION,
      kubectlProviderOptions: { kubectlLayer: new KubectlV34Layer(this, 'KubectlLayer') },
      vpc: props.vpc,
      vpcSubnets: [{ subnets: props.subnets.subnets }],
      securityGroup: this.apiSecurityGroup,
      endpointAccess: eks.EndpointAccess.PRIVATE,
      secretsEncryptionKey: props.key,
      clusterLogging: [...CONTROL_PLANE_LOG_TYPES],
      // Administrators are the operators' access entries below, not whoever ran the deployment.
      bootstrapClusterCreatorAdminPermissions: false,
      defaultCapacityType: eks.DefaultCapacityType.AUTOMODE,
      compute: { nodePools: [] },
      outputConfigCommand: false,
      // No `removalPolicy` here: eks-v2 applies it to every resource under the cluster
      // (RemovalPolicies.of(cluster).apply), i.e. also the kubectl provider's Lambdas,
      // roles and layer, every HelmChart and KubernetesManifest added through the cluster,
      // the access entries and the control-plane security group. Kept, their ENIs and
      // Kubernetes objects outlive the stack. Only the cluster and its role are kept.
    });
    this.cluster.node.addDependency(logGroup);
    (this.cluster.node.defaultChild as CfnResource).applyRemovalPolicy(removalPolicy);
    // The cluster role and its policy (the platform key grants that decrypt Kubernetes
    // secrets) go with the cluster: a kept cluster without them could not run.
    RemovalPolicies.of(this.cluster.role).apply(removalPolicy);

    this.grantOperatorAccess(props.adminRoleArns);
    // What an operator needs for kubectl through the bastion (README, "Operating the cluster"); the
    // output keys are fixed so the commands can ask for them by name.
    new CfnOutput(this, 'ClusterNameOutput', { value: this.cluster.clusterName, description: 'EKS cluster name (aws eks update-kubeconfig --name)' }).overrideLogicalId(
      CLUSTER_OUTPUTS.clusterName,
    );
    new CfnOutput(this, 'ApiEndpointHostOutput', {
      // https://<host>: the host is the third part of the endpoint split at '/'.
      value: Fn.select(2, Fn.split('/', this.cluster.clusterEndpoint)),
      description: 'Private API endpoint host: the remote host of the Session Manager port forwarding, and the tls-server-name of kubectl',
    }).overrideLogicalId(CLUSTER_OUTPUTS.apiEndpointHost);

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

  /**
   * Lets `peer` (the bastion) reach the private API endpoint on 443, through
   * {@link apiSecurityGroup}. Operators run kubectl through it with Session
   * Manager port forwarding (README, "Operating the cluster").
   */
  allowApiAccessFrom(peer: ec2.IConnectable): void {
    this.apiSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(PORTS.https), 'Kubernetes API from the operators bastion');
  }

  /** One cluster-admin access entry per operator role, each only in the role's own account. */
  private grantOperatorAccess(roleArns: readonly string[]): void {
    const conditions = new Map<string, CfnCondition>();
    roleArns.forEach((arn, index) => {
      const account = IAM_ROLE_ARN.exec(arn)![1];
      let condition = conditions.get(account);
      if (!condition) {
        condition = new CfnCondition(this, `InOperatorAccount${account}`, { expression: Fn.conditionEquals(Aws.ACCOUNT_ID, account) });
        conditions.set(account, condition);
      }
      const entry = new eks.AccessEntry(this, `OperatorAccess${index + 1}`, {
        cluster: this.cluster,
        principal: arn,
        accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSClusterAdminPolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
      });
      (entry.node.defaultChild as CfnResource).cfnOptions.condition = condition;
    });
  }
}
