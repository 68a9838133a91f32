import { RuntimeError } from '../errors/runtime-error';
import type { RuntimeErrorOptions } from '../errors/runtime-error';

/**
 * RFC 6749 §4.1.2.1: when the client or its redirect URI cannot be trusted, the user sees an
 * error page and is never redirected (an open redirector otherwise). Rendered as HTML.
 */
export class AuthorizationPageError extends RuntimeError {
  readonly code: string;
  readonly status: number;
  constructor(code: string, description: string, status = 400, options?: RuntimeErrorOptions) {
    super(description, options);
    this.code = code;
    this.status = status;
  }
}

/** RFC 6749 §4.1.2.1 / OIDC Core §3.1.2.6 error codes of the authorization endpoint. */
export type AuthorizationErrorCode =
  | 'invalid_request'
  | 'unauthorized_client'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'login_required'
  | 'request_not_supported'
  | 'request_uri_not_supported';

/**
 * An error the client learns about through its (verified) redirect URI, with `error`,
 * `error_description`, `state` and `iss` (RFC 9207) as query parameters.
 */
export class AuthorizationRedirectError extends RuntimeError {
  readonly status = 302;
  constructor(
    readonly code: AuthorizationErrorCode,
    description: string,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(description);
  }
}
