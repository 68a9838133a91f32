import { RuntimeError } from './runtime-error';
import type { RuntimeErrorOptions } from './runtime-error';

/**
 * Errors only the operator can fix: configuration, key material, stored state that breaks an
 * invariant. Status 500: a request that meets one is answered with a generic server_error, and
 * the error itself goes to the log.
 */

/** An environment variable is missing or invalid. The description is one sentence naming it. */
export class ConfigError extends RuntimeError {
  readonly code = 'invalid_config';
  readonly status = 500;
  constructor(readonly variable: string, description: string, options?: RuntimeErrorOptions) {
    super(description, options);
  }
}

/**
 * A secret handed to the runtime (key-encryption key, client secret pepper, admin token) is too
 * short to be safe. Configuration parsing refuses these first; this guards other callers.
 */
export class InsecureSecret extends RuntimeError {
  readonly code = 'insecure_secret';
  readonly status = 500;
}

/** A signing key is not an RSA private key of at least 2048 bits (RFC 7518 §3.3), or not a key at all. */
export class InvalidSigningKey extends RuntimeError {
  readonly code = 'invalid_signing_key';
  readonly status = 500;
}

/** Sealed key material failed authentication: wrong key-encryption key or tampered row. */
export class KeyUnsealFailed extends RuntimeError {
  readonly code = 'key_unseal_failed';
  readonly status = 500;
  constructor(readonly kid: string, options?: RuntimeErrorOptions) {
    super(`signing key ${kid} could not be decrypted; check KEY_ENCRYPTION_KEY`, options);
  }
}

/**
 * A tenant's stored key set breaks the rotation invariant (exactly one active and one next
 * key), or a rotation plan no longer matches it. The stores' constraints should make this
 * impossible; meeting it means stored state was changed outside the service.
 */
export class InconsistentKeySet extends RuntimeError {
  readonly code = 'inconsistent_key_set';
  readonly status = 500;
}

/** PostgresStore.connect was given options it cannot use. */
export class InvalidStoreOptions extends RuntimeError {
  readonly code = 'invalid_store_options';
  readonly status = 500;
}

/**
 * DATABASE_URL_FILE cannot be read or does not hold a PostgreSQL URL when a new connection
 * needs its password. The description names the path and the system error code, never the
 * file's content: it carries the password.
 */
export class UnusableDatabaseUrlFile extends RuntimeError {
  readonly code = 'unusable_database_url_file';
  readonly status = 500;
}

/** An issuer URL was asked for before the server listened, with no ISSUER_BASE_URL configured. */
export class IssuerBaseUnknown extends RuntimeError {
  readonly code = 'issuer_base_unknown';
  readonly status = 500;
  constructor() {
    super('the issuer base URL is not known before the server listens');
  }
}

/**
 * A client the deployment presets (the smoke-test client) already exists with another secret or
 * authentication method, so the runtime will not overwrite it. Raised at start; the description
 * names tenant and client, never the secret.
 */
export class PresetClientConflict extends RuntimeError {
  readonly code = 'preset_client_conflict';
  readonly status = 500;
  constructor(readonly tenantId: string, readonly clientId: string, reason: string) {
    super(`client "${clientId}" of tenant "${tenantId}" exists ${reason}; delete it or restore the secret it was created with`);
  }
}
