import { OAuthError } from '../errors/oauth-errors';

/**
 * RFC 6749 §5.2 invalid_grant: the code or refresh token is invalid, expired, revoked, used
 * before, or bound to another client or redirect URI, or the PKCE verifier does not match. One
 * description per cause the client can act on; `detail` tells the operator which check failed.
 */
export class InvalidGrant extends OAuthError {
  readonly code = 'invalid_grant';
  readonly status = 400;
}

/** RFC 6749 §5.2: the client is not registered for this grant type. */
export class UnauthorizedClient extends OAuthError {
  readonly code = 'unauthorized_client';
  readonly status = 400;
}
