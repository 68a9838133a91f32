import { RuntimeError } from './runtime-error';
import type { RuntimeErrorOptions } from './runtime-error';

/**
 * Errors of the key providers (runtime/src/key-providers): a KMS key (or its local stand-in)
 * that cannot be used, and the inputs a provider refuses before it calls anything. None of
 * them ever carries a plaintext or a wrapped data key, nor the content of a key file.
 */

/**
 * Why a key could not be used. Each reason is what an operator has to do something about:
 * - `access_denied`: the runtime's role (or its credentials) may not use the key: IAM, key policy, grants or the encryption-context condition.
 * - `disabled`: the key is disabled (KMS DisableKey, or LocalKeyProvider.disable).
 * - `invalid_state`: the key exists but cannot serve this request: pending deletion or import, or not a symmetric encryption key.
 * - `not_found`: no such key or alias.
 * - `invalid_ciphertext`: the wrapped data key does not open under this key and encryption context: moved, tampered, or the wrong context.
 * - `throttled`: the KMS request quota is exhausted (after the SDK's retries).
 * - `unreachable`: no usable answer: network error, timeout, KMS internal error, or a custom key store that is not connected.
 */
export type KeyUnavailableReason = 'access_denied' | 'disabled' | 'invalid_state' | 'not_found' | 'invalid_ciphertext' | 'throttled' | 'unreachable';

export const KEY_UNAVAILABLE_REASONS: readonly KeyUnavailableReason[] = [
  'access_denied',
  'disabled',
  'invalid_state',
  'not_found',
  'invalid_ciphertext',
  'throttled',
  'unreachable',
];

const SAYS: Readonly<Record<KeyUnavailableReason, string>> = {
  access_denied: 'may not be used by this runtime',
  disabled: 'is disabled',
  invalid_state: 'is not in a state to be used',
  not_found: 'does not exist',
  invalid_ciphertext: 'does not open this wrapped data key with this encryption context',
  throttled: 'is throttled',
  unreachable: 'could not be reached',
};

export interface KeyUnavailableOptions extends RuntimeErrorOptions {
  /** For a re-wrap: the destination key. `keyRef` is then the source key; the failure may concern either. */
  toKeyRef?: string;
}

/**
 * A key provider could not do what was asked with `keyRef`. Status 503: the data it protects is
 * unavailable until the operator acts (or the throttling passes), which is not the caller's
 * fault and must not look like a crash. The description names the key; `detail` repeats reason
 * and key(s) for the log, with the provider's own error code when there is one.
 */
export class KeyUnavailable extends RuntimeError {
  readonly code = 'key_unavailable';
  readonly status = 503;
  readonly toKeyRef: string | undefined;

  constructor(readonly reason: KeyUnavailableReason, readonly keyRef: string, options: KeyUnavailableOptions = {}) {
    const keys = options.toKeyRef === undefined ? `the key ${keyRef}` : `re-wrapping from ${keyRef} to ${options.toKeyRef}: a key`;
    const refs = options.toKeyRef === undefined ? `keyRef=${keyRef}` : `keyRef=${keyRef} toKeyRef=${options.toKeyRef}`;
    super(`${keys} ${SAYS[reason]}`, {
      cause: options.cause,
      detail: `reason=${reason} ${refs}${options.detail === undefined ? '' : `; ${options.detail}`}`,
    });
    this.toKeyRef = options.toKeyRef;
  }
}

/**
 * A key reference or encryption context a provider refuses before calling anything: a caller's
 * bug, so an operator error (500). `field` names the culprit; the description says what is allowed.
 */
export class InvalidKeyRequest extends RuntimeError {
  readonly code = 'invalid_key_request';
  readonly status = 500;
  constructor(readonly field: 'keyRef' | 'context' | 'wrapped', description: string) {
    super(description);
  }
}

/**
 * The local key file cannot be read, written or trusted (malformed, or readable by others). The
 * description names the path and what is wrong, never the file's content: it holds master keys.
 */
export class UnusableKeyFile extends RuntimeError {
  readonly code = 'unusable_key_file';
  readonly status = 500;
  constructor(readonly path: string, description: string, options?: RuntimeErrorOptions) {
    super(description, options);
  }
}

/** A key provider or data-key cache was configured with a value it cannot use; `option` names it. */
export class InvalidKeyProviderConfig extends RuntimeError {
  readonly code = 'invalid_key_provider_config';
  readonly status = 500;
  constructor(readonly option: string, description: string) {
    super(description);
  }
}
