import type { StoredClient } from '../store/identity-store';
import { isScopeToken } from '../oauth/scope';
import { AuthorizationPageError, AuthorizationRedirectError } from './authorization-errors';
import { S256_CHALLENGE } from './pkce';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge: string;
  scopes: string[];
  /** OIDC Core §3.1.2.1: seconds since the last authentication after which the user must sign in again. */
  maxAge?: number;
  /** prompt=login: always authenticate afresh. */
  forceLogin: boolean;
  /** prompt=none: never show a page; login_required when there is no usable session. */
  noPrompt: boolean;
}

/** Scopes with a meaning defined by OIDC Core §5.4 / §11; every authorization_code client may ask for them. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'phone', 'offline_access'] as const;

/** state and nonce travel in the sign-in cookie, which browsers cap at 4 KiB. */
const MAX_OPAQUE_LENGTH = 512;
const PROMPT_VALUES = new Set(['none', 'login', 'consent', 'select_account']);

export type QueryParams = Record<string, string | string[] | undefined>;

/**
 * Validates an authorization request in the order RFC 6749 §4.1.2.1 implies: first what decides
 * whether redirecting is safe (client_id, then redirect_uri, exactly as registered; RFC 9700
 * §4.1.3), which fails as an error page; then everything else, which fails as a redirect.
 */
export async function parseAuthorizationRequest(
  query: QueryParams,
  findClient: (clientId: string) => Promise<StoredClient | undefined>,
): Promise<{ request: AuthorizationRequest; client: StoredClient }> {
  const clientId = single(query, 'client_id');
  if (clientId === undefined) throw new AuthorizationPageError('invalid_request', 'The request names no client (client_id is missing or repeated).');
  const client = clientId.length <= 128 ? await findClient(clientId) : undefined;
  if (!client) throw new AuthorizationPageError('invalid_client', `The application "${truncate(clientId)}" is not registered with this service.`, 400, { detail: 'no such client' });
  if (!client.grantTypes.includes('authorization_code')) {
    throw new AuthorizationPageError('unauthorized_client', `The application "${clientId}" is not allowed to sign users in.`);
  }
  const redirectUri = single(query, 'redirect_uri');
  // OIDC Core §3.1.2.1 makes redirect_uri REQUIRED; it is compared as an exact string.
  if (redirectUri === undefined) throw new AuthorizationPageError('invalid_request', 'The request names no redirect_uri (it is missing or repeated).');
  if (!client.redirectUris.includes(redirectUri)) {
    throw new AuthorizationPageError('invalid_request', `The redirect_uri is not registered for the application "${clientId}".`, 400, { detail: `unregistered redirect_uri ${truncate(redirectUri)}` });
  }

  const stateValues = query.state;
  const state = typeof stateValues === 'string' ? stateValues : undefined;
  const fail = (code: AuthorizationRedirectError['code'], description: string): never => {
    throw new AuthorizationRedirectError(code, description, redirectUri, state);
  };

  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) fail('invalid_request', `parameter ${name} is included more than once (RFC 6749 section 3.1)`);
  }
  if (state !== undefined && state.length > MAX_OPAQUE_LENGTH) fail('invalid_request', `state must be at most ${MAX_OPAQUE_LENGTH} characters`);
  // OIDC Core §6: request objects are not supported.
  if (query.request !== undefined) fail('request_not_supported', 'request objects are not supported');
  if (query.request_uri !== undefined) fail('request_uri_not_supported', 'request_uri is not supported');

  const responseType = query.response_type as string | undefined;
  if (responseType === undefined) fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') fail('unsupported_response_type', 'only response_type=code is supported');
  const responseMode = query.response_mode as string | undefined;
  if (responseMode !== undefined && responseMode !== 'query') fail('invalid_request', 'only response_mode=query is supported');

  // RFC 7636 §4.4.1 and RFC 9700 §2.1.1: PKCE with S256 for every client.
  const method = query.code_challenge_method as string | undefined;
  const challenge = query.code_challenge as string | undefined;
  if (challenge === undefined) fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256 (RFC 7636)');
  if (method !== 'S256') fail('invalid_request', 'code_challenge_method must be S256; plain and an omitted method are not accepted');
  if (!S256_CHALLENGE.test(challenge!)) fail('invalid_request', 'code_challenge must be the 43-character base64url SHA-256 of the code_verifier');

  const scopes = [...new Set(((query.scope as string | undefined) ?? '').split(' ').filter((s) => s !== ''))];
  for (const scope of scopes) {
    if (!isScopeToken(scope)) fail('invalid_scope', 'scope contains characters not allowed by RFC 6749 section 3.3');
    if (!(OIDC_SCOPES as readonly string[]).includes(scope) && !client.scopes.includes(scope)) fail('invalid_scope', `scope "${scope}" is not registered for this client`);
  }

  const nonce = query.nonce as string | undefined;
  if (nonce !== undefined && nonce.length > MAX_OPAQUE_LENGTH) fail('invalid_request', `nonce must be at most ${MAX_OPAQUE_LENGTH} characters`);

  const maxAgeText = query.max_age as string | undefined;
  let maxAge: number | undefined;
  if (maxAgeText !== undefined) {
    if (!/^\d{1,9}$/.test(maxAgeText)) fail('invalid_request', 'max_age must be a non-negative integer number of seconds');
    maxAge = Number(maxAgeText);
  }

  const prompt = new Set(((query.prompt as string | undefined) ?? '').split(' ').filter((p) => p !== ''));
  for (const value of prompt) if (!PROMPT_VALUES.has(value)) fail('invalid_request', `prompt value "${truncate(value)}" is not supported`);
  // OIDC Core §3.1.2.1: none with any other value is an error.
  if (prompt.has('none') && prompt.size > 1) fail('invalid_request', 'prompt=none cannot be combined with other prompt values');

  return {
    client,
    request: {
      clientId: client.clientId,
      redirectUri,
      ...(state === undefined ? {} : { state }),
      ...(nonce === undefined ? {} : { nonce }),
      codeChallenge: challenge!,
      scopes,
      ...(maxAge === undefined ? {} : { maxAge }),
      forceLogin: prompt.has('login'),
      noPrompt: prompt.has('none'),
    },
  };
}

/** The redirect of RFC 6749 §4.1.2 / §4.1.2.1: parameters added to the registered URI's own query. */
export function redirectTo(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.append(name, value);
  return url.toString();
}

function single(query: QueryParams, name: string): string | undefined {
  const value = query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function truncate(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}…` : value;
}
