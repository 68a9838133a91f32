import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { requireRetention } from './retention';

export interface EncryptedLogGroupProps {
  /**
   * Encrypts the log events. Its key policy must let the regional CloudWatch Logs
   * service principal use it (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
   */
  readonly encryptionKey: kms.IKey;
  /** How long events are kept; one of CloudWatch Logs' retention periods, never infinite. */
  readonly retention: logs.RetentionDays;
  /**
   * The group's name.
   * @default a name CloudFormation generates
   */
  readonly logGroupName?: string;
  /**
   * What happens to the group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A CloudWatch log group under a customer-managed key with a bounded, valid
 * retention: the only kind of log group brandstack creates. It is a
 * `logs.LogGroup` (not a wrapper around one), so it slots in wherever a log group
 * is expected and keeps the construct path, and so the logical id, of the group.
 */
export class EncryptedLogGroup extends logs.LogGroup {
  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    requireRetention('EncryptedLogGroup', 'retention', props.retention);
    super(scope, id, {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
