import { createHash, timingSafeEqual } from 'node:crypto';
import { InsecureSecret } from '../errors/operator-errors';

/** Admin tokens shorter than this are refused at start-up: they guard every tenant. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * The bearer token that guards /admin. Comparison is constant-time: both sides are hashed to a
 * fixed length first, so neither the content nor the length of the real token leaks through
 * timing.
 */
export class AdminCredential {
  readonly #digest: Buffer;

  constructor(token: string) {
    if (token.length < MIN_ADMIN_TOKEN_LENGTH) throw new InsecureSecret(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
    this.#digest = digest(token);
  }

  matches(presented: string): boolean {
    return timingSafeEqual(digest(presented), this.#digest);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
