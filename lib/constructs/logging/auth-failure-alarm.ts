import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { EMAIL_ADDRESS } from '../../config/formats';

export interface AuthFailureAlarmProps {
  /** The log group holding the host's authentication log (/var/log/secure). */
  readonly authLogGroup: logs.ILogGroup;
  /** Receives the alarm: the brand's security contact. */
  readonly securityContactEmail: string;
  /** Encrypts the alarm topic. CloudWatch is allowed to use it for publishing. */
  readonly encryptionKey: kms.IKey;
  /**
   * Failures within `period` that raise the alarm.
   * @default 5
   */
  readonly threshold?: number;
  /**
   * The window failures are counted in.
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
  /**
   * CloudWatch namespace of the failure metric; must differ between brands
   * sharing an account, or one brand's failures would alarm the other.
   * @default `${stackName}/Bastion`
   */
  readonly metricNamespace?: string;
}

/**
 * sshd and PAM lines that mean an authentication attempt failed (password,
 * unknown user, refused public key, too many attempts). Public-key failures
 * log only "Connection closed by authenticating user".
 */
export const AUTH_FAILURE_TERMS = [
  'Failed password',
  'Invalid user',
  'authentication failure',
  'Connection closed by authenticating user',
  'maximum authentication attempts exceeded',
] as const;


/**
 * The bastion intrusion signal: a metric filter counting authentication
 * failures in the auth log, and an alarm on repeated failures that notifies
 * the security contact through a KMS-encrypted, TLS-only SNS topic.
 */
export class AuthFailureAlarm extends Construct {
  readonly topic: sns.Topic;
  readonly alarm: cloudwatch.Alarm;
  readonly metric: cloudwatch.Metric;

  constructor(scope: Construct, id: string, props: AuthFailureAlarmProps) {
    super(scope, id);
    const threshold = props.threshold ?? 5;
    if (!Number.isInteger(threshold) || threshold < 1) throw new Error(`AuthFailureAlarm: 'threshold' must be a positive integer (got ${threshold})`);
    if (!EMAIL_ADDRESS.test(props.securityContactEmail)) throw new Error(`AuthFailureAlarm: 'securityContactEmail' '${props.securityContactEmail}' is not an e-mail address`);
    const period = props.period ?? Duration.minutes(5);
    const namespace = props.metricNamespace ?? `${Stack.of(this).stackName}/Bastion`;

    const filter = new logs.MetricFilter(this, 'Filter', {
      logGroup: props.authLogGroup,
      filterPattern: logs.FilterPattern.anyTerm(...AUTH_FAILURE_TERMS),
      metricNamespace: namespace,
      metricName: 'AuthenticationFailures',
      metricValue: '1',
      defaultValue: 0,
    });
    this.metric = filter.metric({ statistic: cloudwatch.Stats.SUM, period });

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'Bastion authentication failures',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.securityContactEmail));
    // CloudWatch publishes alarm notifications as itself, so SNS needs it to be
    // able to use the topic key: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopics',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `${threshold} or more failed authentications on the bastion within ${period.toHumanString()}: possible intrusion attempt`,
      metric: this.metric,
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.SnsAction(this.topic));
  }
}
