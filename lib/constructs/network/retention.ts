import * as logs from 'aws-cdk-lib/aws-logs';

const VALID_RETENTIONS = new Set<number>(Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'));

/**
 * Refuses a retention CloudWatch Logs would reject at deploy time (it accepts
 * only its fixed list of day counts), and infinite retention, which the
 * compliance packs require to be an explicit, bounded choice.
 */
export function requireRetention(construct: string, prop: string, days: number): void {
  if (days === logs.RetentionDays.INFINITE || !VALID_RETENTIONS.has(days)) {
    const allowed = [...VALID_RETENTIONS].filter((value) => value !== logs.RetentionDays.INFINITE).join(', ');
    throw new Error(`${construct}: '${prop}' must be one of the CloudWatch Logs retention periods in days (${allowed}); got ${days}`);
  }
}
