import { OAuthError } from '../errors/oauth-errors';

/**
 * The client IP is blocked after consecutive failures (issue 12 item 4). RFC 6749 §5.2 has no
 * code for rate limiting; `temporarily_unavailable` (its authorization-endpoint code for a
 * server that cannot handle the request now) is the closest registered meaning, and the status
 * is RFC 6585 §4's 429 with Retry-After.
 */
export class TooManyAttempts extends OAuthError {
  readonly code = 'temporarily_unavailable';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed attempts from this address; retry later', { detail: `client IP blocked for ${retryAfterSeconds} more seconds` });
  }
}
