import { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from 'pino';
import { LogSecurityNotifier } from './log-security-notifier';
import type { SecurityNotifier } from './security-notifier';
import { SnsSecurityNotifier } from './sns-security-notifier';

/**
 * SNS when SECURITY_TOPIC_ARN is configured (production), else the log (`npm start`). The client
 * publishes in the topic's own region (from its ARN) with short timeouts (enforced: @smithy/node-http-handler
 * only warns on a request timeout unless throwOnRequestTimeout is set): a slow SNS must not
 * pile up pending notifications.
 */
export function createSecurityNotifier(options: { topicArn?: string; logger: Pick<Logger, 'warn' | 'error'> }): SecurityNotifier {
  if (options.topicArn === undefined) return new LogSecurityNotifier(options.logger);
  const region = options.topicArn.split(':')[3];
  const client = new SNSClient({ region, maxAttempts: 3, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000, throwOnRequestTimeout: true } });
  return new SnsSecurityNotifier({ client, topicArn: options.topicArn, logger: options.logger });
}
