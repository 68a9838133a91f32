/**
 * Turns an AWS SDK failure that prevents any check into one sentence. Shared
 * by the commands that read a target account (`brandstack verify`,
 * `brandstack preflight`). Anything not recognised stays an error (a bug,
 * shown with its stack).
 */

const NETWORK_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);
const TIMEOUT_NAMES = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const CREDENTIAL_NAMES = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const CREDENTIAL_CODES = new Set(['UnrecognizedClientException', 'InvalidClientTokenId', 'ExpiredTokenException', 'ExpiredToken', 'InvalidSignatureException', 'SignatureDoesNotMatch']);
const ACCESS_CODES = new Set(['AccessDeniedException', 'AccessDenied']);

/**
 * The sentence for `error` raised while calling `operation` (e.g. `kms:DescribeKey`) in `region`, or undefined.
 * `outcome` ends the sentences that mean nothing could be checked.
 */
export function describeAwsFailure(error: unknown, operation: string, region: string, outcome = 'nothing was verified'): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name } = error;
  const code = (error as { code?: string }).code ?? (error as { errno?: string }).errno;
  if (CREDENTIAL_NAMES.has(name)) {
    return `No AWS credentials were found (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); ${outcome}.`;
  }
  if (CREDENTIAL_CODES.has(name) || (code && CREDENTIAL_CODES.has(code))) {
    return `AWS rejected the credentials for ${operation} in ${region} (${name}); ${outcome}.`;
  }
  if (ACCESS_CODES.has(name) || (code && ACCESS_CODES.has(code))) {
    return `The credentials may not call ${operation} in ${region} (${name}); use a role with read access such as the bootstrap lookup role.`;
  }
  if ((code && NETWORK_CODES.has(code)) || TIMEOUT_NAMES.has(name)) {
    return `AWS could not be reached for ${operation} in ${region} (${code ?? name}); check the network, then retry.`;
  }
  return undefined;
}
