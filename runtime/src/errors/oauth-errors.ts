import { RuntimeError } from './runtime-error';
import type { RuntimeErrorOptions } from './runtime-error';

/**
 * An error response of an OAuth endpoint, `{ error: code, error_description: description }`,
 * with the status RFC 6749 §5.2 (and the RFCs that extend its registry) prescribe, so the HTTP
 * layer never guesses.
 */
export abstract class OAuthError extends RuntimeError {}

/** RFC 6749 §5.2: missing, repeated or malformed parameter, or more than one client authentication method. */
export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/**
 * RFC 6749 §5.2: client authentication failed. The server "MAY return an HTTP 401"; we always
 * do, with a WWW-Authenticate challenge, so clients see one behaviour whatever method they used.
 * The description stays vague where precision would help an attacker (unknown client or wrong
 * secret); `detail` tells the operator which it was.
 */
export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client';
  readonly status = 401;
}

/** RFC 6749 §5.2: a requested scope is malformed or not registered for the client. */
export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope';
  readonly status = 400;
}

/** RFC 6749 §5.2: a grant type this server does not support. */
export class UnsupportedGrantType extends OAuthError {
  readonly code = 'unsupported_grant_type';
  readonly status = 400;
}

/** RFC 8707 §2: the requested resource is invalid, unknown or not allowed for this client. */
export class InvalidTarget extends OAuthError {
  readonly code = 'invalid_target';
  readonly status = 400;
}

/** The request body exceeded the configured limit. RFC 6749 has no code for this; HTTP has 413. */
export class RequestTooLarge extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 413;
}

/**
 * RFC 6749 §5.2 server_error: what the caller reads when anything else failed. Its description
 * is fixed and never carries internal detail; the failure itself is logged.
 */
export class ServerError extends OAuthError {
  readonly code = 'server_error';
  readonly status = 500;
  constructor(options?: RuntimeErrorOptions) {
    super('the request could not be completed', options);
  }
}
