import { InvalidUser } from '../errors/user-errors';

/** Long enough for an e-mail address as username (RFC 5321 §4.5.3.1.3: 254 octets of path). */
export const MAX_USERNAME_LENGTH = 256;

/**
 * The comparison form of a username: NFKC-normalised and lower-cased, so "Alice", "ALICE" and
 * "Ａｌｉｃｅ" (full-width) are one user. Stored beside the display form and unique per tenant.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

/** Throws InvalidUser naming the field when the username cannot be used. */
export function checkUsername(username: string): void {
  const points = Array.from(username.normalize('NFKC')).length;
  if (points < 1 || points > MAX_USERNAME_LENGTH) {
    throw new InvalidUser('username', `username must be 1 to ${MAX_USERNAME_LENGTH} characters`);
  }
  // Control characters and surrounding spaces make look-alike accounts and break log lines.
  if (/[\u0000-\u001f\u007f]/.test(username) || username.trim() !== username) {
    throw new InvalidUser('username', 'username must not contain control characters or leading or trailing spaces');
  }
}
