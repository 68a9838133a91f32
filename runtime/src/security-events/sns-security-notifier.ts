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
 * event and thrown, so the event backbone retries it; no request waits on it (the guard only
 * writes the outbox: OutboxSecurityNotifier).
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
      // Logged with the event, then rethrown: the notifier consumer (or the in-process bus) only
      // acknowledges after a successful publish, so the backbone delivers it again with backoff,
      // and parks it after the queue's delivery limit. The request that caused the block only
      // wrote the outbox and is long answered.
      this.#logger.error({ err: error, event: 'security.notification_failed', security_event: message }, 'publishing a security event to SNS failed');
      throw error;
    }
  }
}
