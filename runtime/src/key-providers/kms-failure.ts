import { KeyUnavailable } from '../errors/key-errors';
import type { KeyUnavailableReason } from '../errors/key-errors';

/*
 * KMS errors by their error code (the SDK's `name`: modelled exceptions and unmodelled ones alike,
 * such as AccessDeniedException and ThrottlingException, which KMS returns as AWS JSON error
 * types), from the Errors sections of
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html and the common errors
 * (https://docs.aws.amazon.com/kms/latest/APIReference/CommonErrors.html).
 */
const BY_CODE: Readonly<Record<string, KeyUnavailableReason>> = {
  // IAM, key policy, grant or the kms:EncryptionContext condition refused the call.
  AccessDeniedException: 'access_denied',
  // The request is not authenticated: the pod's credentials are missing, expired or not valid.
  // The SDK raises CredentialsProviderError before any call when no credentials can be found.
  UnrecognizedClientException: 'access_denied',
  InvalidClientTokenId: 'access_denied',
  ExpiredTokenException: 'access_denied',
  InvalidSignatureException: 'access_denied',
  IncompleteSignature: 'access_denied',
  MissingAuthenticationToken: 'access_denied',
  CredentialsProviderError: 'access_denied',
  DisabledException: 'disabled',
  // Pending deletion, pending import, or unavailable (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html).
  KMSInvalidStateException: 'invalid_state',
  // Not a symmetric encryption key (KeyUsage ENCRYPT_DECRYPT), or the wrong algorithm for it.
  InvalidKeyUsageException: 'invalid_state',
  NotFoundException: 'not_found',
  InvalidArnException: 'not_found',
  // Decrypt and ReEncrypt: "the specified ciphertext, or additional authenticated data
  // incorporated into the ciphertext, such as the encryption context, is corrupted, missing,
  // or otherwise invalid" — a wrong context lands here.
  InvalidCiphertextException: 'invalid_ciphertext',
  // Decrypt and ReEncrypt with KeyId: the data key was wrapped under another key.
  IncorrectKeyException: 'invalid_ciphertext',
  // Request quotas (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html).
  ThrottlingException: 'throttled',
  // Retryable on KMS's side: a dependency timed out, an internal error, or the custom key store
  // backing the key is not connected (KeyUnavailableException).
  DependencyTimeoutException: 'unreachable',
  KMSInternalException: 'unreachable',
  KeyUnavailableException: 'unreachable',
  // @smithy/node-http-handler: connection or request timeout.
  TimeoutError: 'unreachable',
};

/**
 * The KeyUnavailable for a failed KMS call. Anything not classified above (a socket error, a
 * response the SDK cannot parse, an unexpected code) is `unreachable`: KMS gave no usable
 * answer. `detail` carries the error's code so the log says which it was; the original error is
 * the cause.
 */
export function kmsFailure(error: unknown, operation: string, keyRef: string, toKeyRef?: string): KeyUnavailable {
  if (error instanceof KeyUnavailable) return error;
  const code = errorCode(error);
  const reason = (code !== undefined && Object.hasOwn(BY_CODE, code) ? BY_CODE[code] : undefined) ?? 'unreachable';
  return new KeyUnavailable(reason, keyRef, { toKeyRef, cause: error, detail: `kms:${operation} failed with ${code ?? 'an unclassified error'}` });
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code } = error as { name?: unknown; code?: unknown };
  // Node's socket errors (ECONNREFUSED, ECONNRESET, ENOTFOUND...) carry `code`; SDK errors `name`.
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
  return typeof name === 'string' && name !== 'Error' ? name : typeof code === 'string' ? code : undefined;
}
