import * as logs from 'aws-cdk-lib/aws-logs';

const VALID_RETENTIONS = new Set<number>(Object.values(logs.RetentionDays).filter((value): value is number => typeof value === 'number'));

/**
 * Refuses a retention CloudWatch Logs would reject at deploy time (it accepts
 * only its fixed list of day counts, see `retentionInDays` in
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html),
 * and infinite retention, which the compliance packs require to be an explicit,
 * bounded choice. `logs.RetentionDays` is the one retention type of brandstack:
 * stage profiles and construct props use it, so nothing casts a day count.
 */
export function requireRetention(construct: string, prop: string, days: logs.RetentionDays): void {
  if (days === logs.RetentionDays.INFINITE || !VALID_RETENTIONS.has(days)) {
    const allowed = [...VALID_RETENTIONS].filter((value) => value !== logs.RetentionDays.INFINITE).join(', ');
    throw new Error(`${construct}: '${prop}' must be one of the CloudWatch Logs retention periods in days (${allowed}); got ${days}`);
  }
}
