/**
 * The one interface behind which data keys are generated, unwrapped and re-wrapped (issue 14 §8):
 * `kms` in production (AWS KMS, the brand's customer keys and platform key), `local` for
 * `npm start` and tests (AES-256-GCM master keys held by the process). Envelope encryption,
 * blind indexes and signing-key seals are built on it, never on a provider directly, so the
 * provider can be chosen by configuration and wrapped by the DataKeyCache.
 *
 * Every method throws {@link KeyUnavailable} (runtime/src/errors/key-errors.ts) when the key
 * cannot be used, and {@link InvalidKeyRequest} for a malformed keyRef or context.
 */

/** Encryption context (KMS EncryptionContext; AAD of the local provider). Keys and values are strings. */
export type EncryptionContext = Readonly<Record<string, string>>;

export interface GeneratedDataKey {
  /** The 32-byte AES-256 data key. The caller owns this buffer and should zero it when done. */
  plaintext: Buffer;
  /** The data key wrapped under the master key: what is stored next to the data. */
  wrapped: Buffer;
  /** The master key's ARN (kms) or keyRef (local): the key that actually wrapped it, whatever alias was named. */
  keyId: string;
}

export type KeyProviderName = 'kms' | 'local';

export const KEY_PROVIDER_NAMES: readonly KeyProviderName[] = ['kms', 'local'];

export interface KeyProvider {
  readonly name: KeyProviderName;
  /** KMS GenerateDataKey (KeySpec AES_256) under `keyRef` (an alias `alias/...` or key ARN), with `context`. */
  generateDataKey(keyRef: string, context: EncryptionContext): Promise<GeneratedDataKey>;
  /** KMS Decrypt of a wrapped data key; `context` must equal the one it was generated with. Returns 32 bytes the caller owns. */
  decryptDataKey(wrapped: Buffer, context: EncryptionContext, keyRef: string): Promise<Buffer>;
  /** KMS ReEncrypt: the same data key wrapped under `toKeyRef` with `toContext`, never exposing the plaintext (re-wrap on a customer move). */
  reWrapDataKey(
    wrapped: Buffer,
    fromContext: EncryptionContext,
    fromKeyRef: string,
    toKeyRef: string,
    toContext: EncryptionContext,
  ): Promise<{ wrapped: Buffer; keyId: string }>;
  /** Readiness: the key exists, is enabled and usable (kms: DescribeKey KeyState Enabled). Throws a KeyUnavailable otherwise. */
  check(keyRef: string): Promise<void>;
}

/** AES-256: every data key is 32 bytes (KMS GenerateDataKey KeySpec AES_256). */
export const DATA_KEY_BYTES = 32;
