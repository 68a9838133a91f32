import { InvalidPasswordPolicy, PasswordRejected } from '../errors/user-errors';
import { COMMON_PASSWORDS } from './common-passwords';
import { normalizePassword } from './password-normalization';

/**
 * NIST SP 800-63B rev. 4 §3.1.1.2 (https://pages.nist.gov/800-63-4/sp800-63b.html#passwordver):
 * a password used as the only authentication factor SHALL be at least 15 characters; at least 64
 * SHOULD be accepted. This service never lets a tenant go below the floor.
 */
export const MIN_PASSWORD_LENGTH_FLOOR = 15;
/** §3.1.1.2: verifiers SHOULD permit a maximum length of at least 64 characters. */
export const MIN_ACCEPTED_MAXIMUM = 64;
/**
 * Our maximum: far above 64, and still a bound on what one request may make argon2id hash (the
 * hash cost barely grows with input length, but a request body should not be unbounded either).
 */
export const DEFAULT_MAX_PASSWORD_LENGTH = 256;

export interface PasswordPolicyOptions {
  /** Code points after NFKC normalisation. A tenant may raise it, never lower it. @default 15 */
  minLength?: number;
  /** @default 256 */
  maxLength?: number;
}

/**
 * Checks a new password against NIST SP 800-63B rev. 4 §3.1.1.2:
 * - length counted in Unicode code points after NFKC normalisation (§3.1.1.2 "each Unicode code
 *   point SHALL be counted as a single character"; normalisation per the same section), at least
 *   `minLength`, at most `maxLength`, and never truncated (the whole value is hashed);
 * - no composition rules (no "one digit, one symbol"): the section says verifiers SHALL NOT
 *   impose them;
 * - refused when it is a commonly used value (the shipped blocklist), a common value repeated,
 *   a short unit repeated ("aaaaaaaaaaaaaaa", "abcabcabcabcabc"), or the username itself: the
 *   section's "expected or context-specific" values. Matching is case-insensitive.
 */
export class PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;

  constructor(options: PasswordPolicyOptions = {}) {
    const minLength = options.minLength ?? MIN_PASSWORD_LENGTH_FLOOR;
    const maxLength = options.maxLength ?? DEFAULT_MAX_PASSWORD_LENGTH;
    if (!Number.isInteger(minLength) || minLength < MIN_PASSWORD_LENGTH_FLOOR) {
      throw new InvalidPasswordPolicy(
        `minLength must be an integer of at least ${MIN_PASSWORD_LENGTH_FLOOR} (NIST SP 800-63B rev. 4 section 3.1.1.2, single-factor passwords), got ${minLength}`,
      );
    }
    if (!Number.isInteger(maxLength) || maxLength < Math.max(MIN_ACCEPTED_MAXIMUM, minLength)) {
      throw new InvalidPasswordPolicy(
        `maxLength must be an integer of at least ${Math.max(MIN_ACCEPTED_MAXIMUM, minLength)} (NIST SP 800-63B rev. 4 section 3.1.1.2 asks to accept at least 64, and not below minLength), got ${maxLength}`,
      );
    }
    this.minLength = minLength;
    this.maxLength = maxLength;
  }

  /** Throws PasswordRejected naming the rule; returns nothing when the password is acceptable. */
  check(password: string, context: { username?: string } = {}): void {
    if (/[\u0000-\u001f\u007f]/.test(password)) {
      throw new PasswordRejected('invalid_characters', 'the password must not contain control characters');
    }
    const normalized = normalizePassword(password);
    const length = Array.from(normalized).length; // code points: Array.from iterates by code point
    if (length < this.minLength) {
      throw new PasswordRejected(
        'too_short',
        `the password must be at least ${this.minLength} characters (Unicode code points after NFKC normalisation); no other composition rules apply`,
      );
    }
    if (length > this.maxLength) {
      throw new PasswordRejected('too_long', `the password must be at most ${this.maxLength} characters; it is never truncated`);
    }
    const folded = normalized.toLowerCase();
    if (BLOCKLIST.has(folded)) {
      throw new PasswordRejected('blocklisted', 'the password is on the list of commonly used passwords; choose another');
    }
    if (isRepetitive(folded)) {
      throw new PasswordRejected('repetitive', 'the password repeats a short or commonly used value; choose another');
    }
    if (context.username !== undefined && normalizePassword(context.username).toLowerCase() === folded) {
      throw new PasswordRejected('matches_username', 'the password must not be the username');
    }
  }
}

const BLOCKLIST: ReadonlySet<string> = new Set(COMMON_PASSWORDS.map((p) => normalizePassword(p).toLowerCase()));

/** A unit of up to 4 code points, or a blocklisted value, repeated to fill the whole password. */
function isRepetitive(folded: string): boolean {
  const points = Array.from(folded);
  for (let unit = 1; unit <= points.length / 2; unit++) {
    if (points.length % unit !== 0) continue;
    const head = points.slice(0, unit).join('');
    if (head.repeat(points.length / unit) !== folded) continue;
    if (unit <= 4 || BLOCKLIST.has(head)) return true;
  }
  return false;
}
