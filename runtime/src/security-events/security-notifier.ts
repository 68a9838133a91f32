/**
 * Security events for the brand's security contact. One interface so the event
 * backbone (RabbitMQ, issue 13) can carry them later; today: a log line (`npm start`)
 * or an SNS topic with the security contact's e-mail subscription (production).
 */
export interface IpBlockedEvent {
  type: 'ip_blocked';
  tenantId: string;
  ip: string;
  /** Consecutive failures that led to the block. */
  failures: number;
  blockSeconds: number;
  at: Date;
  /** How many distinct accounts were tried (never their names). */
  distinctAccounts: number;
}

export type SecurityEvent = IpBlockedEvent;

export interface SecurityNotifier {
  /** Delivers one event. Must not throw into the request path: failures are logged by the implementation. */
  notify(event: SecurityEvent): Promise<void>;
}
