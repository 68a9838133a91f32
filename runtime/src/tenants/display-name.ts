import { InvalidRequest } from '../errors/oauth-errors';

/** Longest display name a tenant may have; it titles the hosted sign-in page. */
export const MAX_DISPLAY_NAME_LENGTH = 100;

/**
 * A tenant's display name as the sign-in page shows it: NFC-normalised and trimmed, 1 to
 * 100 characters, no control characters (which would break the page's title or a log line).
 * Pages escape it as HTML; this only refuses what no organisation is called.
 */
export function normalizeDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  const length = [...name].length;
  if (length === 0 || length > MAX_DISPLAY_NAME_LENGTH) {
    throw new InvalidRequest(`display_name must be 1 to ${MAX_DISPLAY_NAME_LENGTH} characters (got ${length})`);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u.test(name)) throw new InvalidRequest('display_name must not contain control characters or line breaks');
  return name;
}
