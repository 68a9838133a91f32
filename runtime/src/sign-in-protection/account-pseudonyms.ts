import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { InsecureSecret } from '../errors/operator-errors';

/**
 * Keyed hashes of account names (usernames, client ids): what sign-in protection counts per
 * account and what sign-in logs show, so neither the attempt store nor the log collects the
 * names people typed (often a real user's name, or a password typed into the wrong field).
 * HMAC-SHA-256 under a key outside the database: without it a pseudonym cannot be reversed by
 * hashing candidate names. Stable for a key, so one account's attempts correlate across lines.
 */
export class AccountPseudonyms {
  readonly #key: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32) throw new InsecureSecret('the account pseudonym key must be at least 32 bytes');
    this.#key = createSecretKey(Buffer.from(key));
  }

  /**
   * A key of its own derived from CLIENT_SECRET_PEPPER (HMAC with a fixed label), so one
   * configured secret serves both and a pseudonym can never equal a client secret's hash.
   */
  static derivedFrom(pepper: Buffer): AccountPseudonyms {
    return new AccountPseudonyms(createHmac('sha256', pepper).update('brandstack/sign-in/account-pseudonym/v1').digest());
  }

  /** A random key: pseudonyms then correlate only within this process (`npm start`, tests). */
  static ephemeral(): AccountPseudonyms {
    return new AccountPseudonyms(randomBytes(32));
  }

  /**
   * 128 bits of HMAC-SHA-256(key, tenant NUL name), base64url. The name is NFKC-normalised and
   * lower-cased first, as usernames compare that way ("Alice" and "alice" are one account).
   */
  of(tenantId: string, account: string): string {
    return createHmac('sha256', this.#key)
      .update(`${tenantId}\0${account.normalize('NFKC').toLowerCase()}`, 'utf8')
      .digest()
      .subarray(0, 16)
      .toString('base64url');
  }
}
