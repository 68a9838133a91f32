/**
 * Security events for the brand's security contact. The sign-in guard writes them to the outbox
 * (OutboxSecurityNotifier); the event backbone's notifier consumer hands them to a log line
 * (`npm start`) or the SNS topic with the security contact's e-mail subscription (production).
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
  /** Delivers one event; throws when it could not (the event backbone then delivers it again). No request waits on it. */
  notify(event: SecurityEvent): Promise<void>;
}
