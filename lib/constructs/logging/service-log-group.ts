import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from './encrypted-log-group';

export interface ServiceLogGroupProps {
  /**
   * The exact name the AWS service writes to (for example
   * `/aws/rds/cluster/<id>/postgresql`). Created here, before the service
   * first writes, so the group is KMS-encrypted: a group the service creates
   * itself gets CloudWatch Logs' default encryption, not a CMK. Unless the
   * group is destroyed with its stack, the name must be built from a token
   * (see EncryptedLogGroup's `logGroupName`).
   */
  readonly logGroupName: string;
  /** Encrypts the log events; its policy must admit `logs.<region>.amazonaws.com`. */
  readonly encryptionKey: kms.IKey;
  /** How long events are kept; one of CloudWatch Logs' retention periods, never infinite. */
  readonly retention: logs.RetentionDays;
  /**
   * What happens to the group when it leaves the stack.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the deploy that created it rolls back)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** A CMK-encrypted log group with the fixed name an AWS service publishes to. */
export class ServiceLogGroup extends Construct {
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceLogGroupProps) {
    super(scope, id);
    this.logGroup = new EncryptedLogGroup(this, 'LogGroup', props);
  }
}
