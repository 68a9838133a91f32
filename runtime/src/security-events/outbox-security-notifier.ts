import type { Logger } from 'pino';
import type { AuditJournal } from '../audit/audit-journal';
import { securityEnvelope } from './security-envelope';
import type { SecurityEvent, SecurityNotifier } from './security-notifier';

/**
 * The sign-in guard's notifier when the event backbone runs (issue 13 §7): a block becomes a
 * `security.<tenant>.ip.blocked` event in the outbox, which the relay publishes and the notifier
 * consumer (security-event-consumer.ts) delivers to the brand's security topic. If the outbox
 * cannot be written, the event goes to the log, as the notifier contract says a notifier must not
 * throw into the request path.
 */
export class OutboxSecurityNotifier implements SecurityNotifier {
  constructor(
    private readonly journal: Pick<AuditJournal, 'emit'>,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  async notify(event: SecurityEvent): Promise<void> {
    const envelope = securityEnvelope(event);
    try {
      await this.journal.emit(envelope);
    } catch (error) {
      this.logger.error({ err: error, event: 'security.outbox_failed', security_event: envelope.payload }, 'writing a security event to the outbox failed');
    }
  }
}
