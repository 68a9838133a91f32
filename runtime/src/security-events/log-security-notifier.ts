import type { Logger } from 'pino';
import { eventMessage } from './event-message';
import type { SecurityEvent, SecurityNotifier } from './security-notifier';

/** `npm start`: each security event is one JSON log line (at warn) naming the blocked IP. */
export class LogSecurityNotifier implements SecurityNotifier {
  readonly #logger: Pick<Logger, 'warn'>;

  constructor(logger: Pick<Logger, 'warn'>) {
    this.#logger = logger;
  }

  async notify(event: SecurityEvent): Promise<void> {
    this.#logger.warn({ event: 'security.ip_blocked', security_event: eventMessage(event) }, `client IP ${event.ip} blocked for tenant ${event.tenantId}`);
  }
}
