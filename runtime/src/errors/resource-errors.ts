import { RuntimeError } from './runtime-error';

/**
 * Client errors (4xx) outside RFC 6749 §5.2's registry: a tenant or client that is missing or
 * already exists, a client registration with an invalid value, a key not ready to sign. The
 * admin API answers them as `{ error: code, error_description: description }`; the OAuth
 * endpoints answer TenantNotFound the same way.
 */

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

export class ClientNotFound extends RuntimeError {
  readonly code = 'client_not_found';
  readonly status = 404;
  constructor(readonly clientId: string) {
    super(`client "${clientId}" does not exist in this tenant`);
  }
}

/** Emergency revocation names a kid the tenant does not publish. */
export class KeyNotFound extends RuntimeError {
  readonly code = 'key_not_found';
  readonly status = 404;
  constructor(readonly kid: string) {
    super(`key "${kid}" is not one of this tenant's keys`);
  }
}
