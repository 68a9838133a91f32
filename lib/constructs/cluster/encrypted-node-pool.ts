import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

export interface EncryptedNodePoolProps {
  /** An EKS Auto Mode cluster whose built-in node pools are disabled. */
  readonly cluster: eks.Cluster;
  /** Subnets the nodes are placed in; their zones are the pool's zones. */
  readonly subnets: ec2.ISubnet[];
  /** Encrypts every node's volumes. */
  readonly volumeKey: kms.IKey;
  /** Kubernetes name of the NodeClass and NodePool. @default 'brandstack' */
  readonly name?: string;
  /** Most vCPUs the pool may run, a ceiling on autoscaling cost. @default 64 */
  readonly cpuLimit?: number;
  /** Volume size of each node. @default 80 */
  readonly volumeSizeGiB?: number;
}

/**
 * The cluster's compute: an EKS Auto Mode NodePool and NodeClass whose nodes
 * span the given zones, scale with pending pods (Karpenter, run by AWS), and
 * keep their volumes encrypted with the brand's key.
 *
 * Auto Mode's built-in pools use the default NodeClass, whose volumes use the
 * AWS-managed EBS key; they are disabled on the cluster so that this pool,
 * with the customer-managed key, is the only compute.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html
 */
export class EncryptedNodePool extends Construct {
  /** The role every node runs with. */
  readonly nodeRole: iam.Role;
  /** Kubernetes name of the NodePool. */
  readonly nodePoolName: string;
  /** The manifest applying the NodeClass and NodePool; workloads depend on it to get nodes. */
  readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: EncryptedNodePoolProps) {
    super(scope, id);
    const name = (this.nodePoolName = props.name ?? 'brandstack');
    const cpuLimit = props.cpuLimit ?? 64;
    if (!Number.isInteger(cpuLimit) || cpuLimit < 4) throw new Error(`EncryptedNodePool: 'cpuLimit' must be an integer of at least 4 (got ${cpuLimit})`);
    const volumeSize = props.volumeSizeGiB ?? 80;
    if (!Number.isInteger(volumeSize) || volumeSize < 20) throw new Error(`EncryptedNodePool: 'volumeSizeGiB' must be an integer of at least 20 (got ${volumeSize})`);
    const zones = [...new Set(props.subnets.map((subnet) => subnet.availabilityZone))].sort();
    if (zones.length < 3) throw new Error(`EncryptedNodePool: 'subnets' must span three zones (got ${zones.join(', ') || 'none'})`);

    // The two policies EKS documents for Auto Mode node roles: node registration and image pulls only.
    // https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html
    this.nodeRole = new iam.Role(this, 'NodeRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'EKS Auto Mode nodes of the brand cluster',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEKSWorkerNodeMinimalPolicy'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryPullOnly'),
      ],
    });
    const accessEntry = new eks.AccessEntry(this, 'NodeAccess', {
      cluster: props.cluster,
      principal: this.nodeRole.roleArn,
      accessEntryType: eks.AccessEntryType.EC2,
      accessPolicies: [eks.AccessPolicy.fromAccessPolicyName('AmazonEKSAutoNodePolicy', { accessScopeType: eks.AccessScopeType.CLUSTER })],
    });

    // Auto Mode creates the volumes as the cluster role, so that role must be able to use the key.
    props.volumeKey.grant(props.cluster.role, 'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo');

    this.manifest = props.cluster.addManifest(
      'NodePool',
      {
        apiVersion: 'eks.amazonaws.com/v1',
        kind: 'NodeClass',
        metadata: { name },
        spec: {
          role: this.nodeRole.roleName,
          subnetSelectorTerms: props.subnets.map((subnet) => ({ id: subnet.subnetId })),
          securityGroupSelectorTerms: [{ id: props.cluster.clusterSecurityGroupId }],
          // Namespaces opt into isolation with their own default-deny policies.
          networkPolicy: 'DefaultAllow',
          networkPolicyEventLogs: 'Enabled',
          ephemeralStorage: { size: `${volumeSize}Gi`, iops: 3000, throughput: 125, kmsKeyID: props.volumeKey.keyArn },
        },
      },
      {
        apiVersion: 'karpenter.sh/v1',
        kind: 'NodePool',
        metadata: { name },
        spec: {
          template: {
            spec: {
              nodeClassRef: { group: 'eks.amazonaws.com', kind: 'NodeClass', name },
              requirements: [
                { key: 'topology.kubernetes.io/zone', operator: 'In', values: zones },
                { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['on-demand'] },
                // The runtime image is built for amd64 by `cdk deploy`.
                { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
                { key: 'eks.amazonaws.com/instance-category', operator: 'In', values: ['c', 'm', 'r'] },
                { key: 'eks.amazonaws.com/instance-generation', operator: 'Gt', values: ['5'] },
              ],
              // Nodes are replaced at least every 14 days, so they run a patched AMI.
              expireAfter: '336h',
            },
          },
          limits: { cpu: String(cpuLimit) },
          disruption: { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m', budgets: [{ nodes: '10%' }] },
        },
      },
      {
        // EKS Auto Mode turns network policy enforcement on with this ConfigMap.
        // https://docs.aws.amazon.com/eks/latest/userguide/auto-net-pol.html
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'amazon-vpc-cni', namespace: 'kube-system' },
        data: { 'enable-network-policy-controller': 'true' },
      },
    );
    this.manifest.node.addDependency(accessEntry);
  }
}
