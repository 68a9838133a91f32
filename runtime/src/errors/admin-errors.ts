import { RuntimeError } from './runtime-error';

/**
 * RFC 6750 §3.1 `invalid_token`: the admin request's bearer token is missing, malformed, expired,
 * revoked, not for the admin API, or its client or user is gone or disabled. One answer for all,
 * so a caller cannot probe which; the reason goes to the log as `detail`.
 */
export class AdminTokenInvalid extends RuntimeError {
  readonly code = 'invalid_token';
  readonly status = 401;
}

/** RFC 6750 §3.1 `insufficient_scope`, answered with 403: the caller lacks the route's authority for this tenant. */
export class AdminForbidden extends RuntimeError {
  readonly code = 'insufficient_authority';
  readonly status = 403;
  constructor(readonly needed: string, description: string) {
    super(description);
  }
}

/** An authority assignment the caller may not make, or that names an unusable authority. */
export class AuthorityRefused extends RuntimeError {
  readonly code = 'invalid_authority';
  readonly status = 400;
}
