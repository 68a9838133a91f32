/**
 * Typed errors. Each carries a stable `code`; OAuth errors also carry the HTTP status that
 * RFC 6749 §5.2 (and the RFCs that extend its registry) prescribe, so the HTTP layer never
 * guesses.
 */

export abstract class RuntimeError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An error response of an OAuth endpoint: `{ error, error_description }` (RFC 6749 §5.2). */
export abstract class OAuthError extends RuntimeError {
  abstract readonly status: number;
}

/** RFC 6749 §5.2: missing, repeated or malformed parameter, or more than one client authentication method. */
export class InvalidRequest extends OAuthError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/**
 * RFC 6749 §5.2: client authentication failed. The server "MAY return an HTTP 401"; we always
 * do, with a WWW-Authenticate challenge, so clients see one behaviour whatever method they used.
 */
export class InvalidClient extends OAuthError {
  readonly code = 'invalid_client';
  readonly status = 401;
}

export class InvalidScope extends OAuthError {
  readonly code = 'invalid_scope';
  readonly status = 400;
}

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

/** Unexpected failure; the description never carries internal detail. */
export class ServerError extends OAuthError {
  readonly code = 'server_error';
  readonly status = 500;
}

/** The path names a tenant that does not exist. */
export class TenantNotFound extends RuntimeError {
  readonly code = 'tenant_not_found';
  readonly status = 404;
  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" does not exist`);
  }
}

export class TenantExists extends RuntimeError {
  readonly code = 'tenant_exists';
  readonly status = 409;
  constructor(readonly tenantId: string) {
    super(`tenant "${tenantId}" already exists`);
  }
}

export class ClientExists extends RuntimeError {
  readonly code = 'client_exists';
  readonly status = 409;
  constructor(readonly clientId: string) {
    super(`client "${clientId}" already exists in this tenant`);
  }
}

/** RFC 7591 §3.2.2: a client registration carries an invalid value. */
export class InvalidClientMetadata extends RuntimeError {
  readonly code = 'invalid_client_metadata';
  readonly status = 400;
}

/**
 * Rotation would make a key sign before relying parties could have fetched it: the pending key
 * has not been published for the configured delay yet.
 */
export class KeyNotYetPublished extends RuntimeError {
  readonly code = 'key_not_yet_published';
  readonly status = 409;
  constructor(readonly kid: string, readonly signableAt: Date) {
    super(`the next key ${kid} has not been published long enough; it may sign from ${signableAt.toISOString()}`);
  }
}

/** An environment variable is missing or invalid. The message is one sentence naming it. */
export class ConfigError extends RuntimeError {
  readonly code = 'invalid_config';
  constructor(readonly variable: string, message: string) {
    super(message);
  }
}

/** Sealed key material failed authentication: wrong key-encryption key or tampered row. */
export class KeyUnsealFailed extends RuntimeError {
  readonly code = 'key_unseal_failed';
  constructor(readonly kid: string) {
    super(`signing key ${kid} could not be decrypted; check KEY_ENCRYPTION_KEY`);
  }
}
