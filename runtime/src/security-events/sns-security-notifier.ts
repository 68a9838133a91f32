import { PublishCommand } from '@aws-sdk/client-sns';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { Logger } from 'pino';
import { eventMessage } from './event-message';
import type { SecurityEvent, SecurityNotifier } from './security-notifier';

/**
 * SNS Publish (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, Subject): "UTF-8 text
 * with no line breaks or control characters, and less than 100 characters long" (as stated in
 * the API model shipped with @aws-sdk/client-sns 3.1169.0). Tenant ids (DNS-label alphabet) and
 * normalised IP addresses contain no control characters; the length is capped here.
 */
const MAX_SUBJECT = 99;

export interface SnsSecurityNotifierOptions {
  /** An SNSClient in the brand's region; its credentials come from the pod's EKS Pod Identity role. */
  client: SNSClient;
  /** SECURITY_TOPIC_ARN: the topic with the security contact's e-mail subscription. */
  topicArn: string;
  logger: Pick<Logger, 'error'>;
}

/**
 * Production: every security event is published to the brand's security topic, whose e-mail
 * subscription reaches the security contact. The message is the event as JSON (no account names),
 * readable in the e-mail and parseable by a later subscriber. A failed publish is logged with the
 * event and swallowed: the block is already in force, and an attacker's request must not turn
 * into a 500.
 */
export class SnsSecurityNotifier implements SecurityNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;
  readonly #logger: Pick<Logger, 'error'>;

  constructor(options: SnsSecurityNotifierOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
    this.#logger = options.logger;
  }

  async notify(event: SecurityEvent): Promise<void> {
    const message = eventMessage(event);
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: `brandstack: client IP ${event.ip} blocked for tenant ${event.tenantId}`.slice(0, MAX_SUBJECT),
          Message: JSON.stringify(message),
        }),
      );
    } catch (error) {
      // The event goes to the log instead, so it is not lost with the publish.
      this.#logger.error({ err: error, event: 'security.notification_failed', security_event: message }, 'publishing a security event to SNS failed');
    }
  }
}
