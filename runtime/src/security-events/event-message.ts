import type { SecurityEvent } from './security-notifier';

/**
 * The wire form of a security event: snake_case JSON with an ISO-8601 time. One home, so the log
 * line and the SNS message say the same thing. Account names are not part of any event.
 */
export function eventMessage(event: SecurityEvent): Record<string, string | number> {
  return {
    type: event.type,
    tenant: event.tenantId,
    ip: event.ip,
    failures: event.failures,
    block_seconds: event.blockSeconds,
    blocked_until: new Date(event.at.getTime() + event.blockSeconds * 1000).toISOString(),
    at: event.at.toISOString(),
    distinct_accounts: event.distinctAccounts,
  };
}
