import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface ServiceLogGroupProps {
  /**
   * The exact name the AWS service writes to (for example
   * `/aws/rds/cluster/<id>/postgresql`). Created here, before the service
   * first writes, so the group is KMS-encrypted: a group the service creates
   * itself gets CloudWatch Logs' default encryption, not a CMK.
   */
  readonly logGroupName: string;
  /** Encrypts the log events; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly encryptionKey: kms.IKey;
  /** Days events are kept; one of CloudWatch Logs' allowed values. */
  readonly retentionDays: number;
  /**
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A CMK-encrypted log group with the fixed name an AWS service publishes to. */
export class ServiceLogGroup extends Construct {
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceLogGroupProps) {
    super(scope, id);
    if (!(Object.values(logs.RetentionDays) as unknown[]).includes(props.retentionDays) || props.retentionDays === logs.RetentionDays.INFINITE) {
      throw new Error(`ServiceLogGroup: 'retentionDays' ${props.retentionDays} is not a CloudWatch Logs retention period`);
    }
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.retentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
