import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../logging/encrypted-log-group';
import { requireRetention } from '../logging/retention';

export interface VpcFlowLogProps {
  /** The VPC whose traffic is recorded. */
  readonly vpc: ec2.IVpc;
  /**
   * Encrypts the log group. Its key policy must let the regional CloudWatch Logs
   * service principal use it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   */
  readonly encryptionKey: kms.IKey;
  /** How long flow records are kept. */
  readonly retention: logs.RetentionDays;
  /**
   * Which traffic is recorded.
   * @default ec2.FlowLogTrafficType.ALL (accepted and rejected)
   */
  readonly trafficType?: ec2.FlowLogTrafficType;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * VPC flow logs delivered to a KMS-encrypted CloudWatch log group: the record
 * of who talked to whom that an investigation of the brand network starts from.
 */
export class VpcFlowLog extends Construct {
  readonly logGroup: logs.LogGroup;
  readonly flowLog: ec2.FlowLog;
  /** The role the flow logs service delivers with: write to this log group only. */
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: VpcFlowLogProps) {
    super(scope, id);
    requireRetention('VpcFlowLog', 'retention', props.retention);
    this.logGroup = new EncryptedLogGroup(this, 'LogGroup', {
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    // A customer-managed policy on our own role: the role CDK would create
    // carries an inline policy, which the NIST, PCI and HIPAA packs refuse.
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html
    const account = Stack.of(this).account;
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': account } } }),
      description: 'VPC flow logs: deliver to one log group',
      managedPolicies: [
        new iam.ManagedPolicy(this, 'DeliveryPolicy', {
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
      ],
    });
    this.flowLog = new ec2.FlowLog(this, 'FlowLog', {
      resourceType: ec2.FlowLogResourceType.fromVpc(props.vpc),
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.logGroup, this.role.withoutPolicyUpdates()),
      trafficType: props.trafficType ?? ec2.FlowLogTrafficType.ALL,
    });
  }
}
