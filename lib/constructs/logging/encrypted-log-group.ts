import { RemovalPolicy, Token } from 'aws-cdk-lib';
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
   * The group's name. A fixed (literal) name is refused unless the group is
   * destroyed with its stack: a kept group would still hold the name when the
   * stack is created again, and CloudFormation would fail on "already exists".
   * A name built with a token (a cluster's generated name, the stack-creation
   * suffix of lib/config/naming.ts) is new for each stack.
   * @default a name CloudFormation generates
   */
  readonly logGroupName?: string;
  /**
   * What happens to the group when it leaves the stack. The default keeps the
   * log (evidence) when the stack is deleted or the group replaced, but deletes
   * it when the deploy that created it rolls back (DeletionPolicy
   * `RetainExceptOnCreate`), so a failed first deploy leaves nothing behind.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
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
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    if (props.logGroupName !== undefined && !Token.isUnresolved(props.logGroupName) && removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(
        `EncryptedLogGroup: 'logGroupName' '${props.logGroupName}' is fixed but the group is kept (removalPolicy ${removalPolicy}); ` +
          'leave the name to CloudFormation, build it from a generated name or the stack-creation suffix, or use RemovalPolicy.DESTROY',
      );
    }
    super(scope, id, {
      logGroupName: props.logGroupName,
      encryptionKey: props.encryptionKey,
      retention: props.retention,
      removalPolicy,
    });
  }
}
