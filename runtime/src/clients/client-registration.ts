import { createPublicKey, randomBytes } from 'node:crypto';
import type { ClientAuthMethod, ClientGrantType, StoredClient } from '../store/identity-store';
import { InvalidClientMetadata } from '../errors/resource-errors';
import { isResourceIndicator } from '../oauth/resource-indicator';
import { isScopeToken } from '../oauth/scope';
import { SecretHasher } from './secret-hasher';
import { AUTHORITY, MAX_AUTHORITIES, isAdminAuthority } from '../authorities/admin-authorities';
import { ADMIN_AUDIENCE } from '../identifiers/platform';

/** Client metadata accepted by the admin API; names follow RFC 7591 §2 where one exists. */
export interface ClientRegistration {
  client_id?: string;
  token_endpoint_auth_method?: ClientAuthMethod;
  /** RFC 7591 §2: space-separated scope values the client may request. */
  scope?: string;
  /**
   * RFC 8707 resource indicators the client may request; they become `aud`. A client with an
   * admin authority also gets the admin API's (ADMIN_AUDIENCE), and may then leave this out.
   */
  resources?: string[];
  /** The resource used when a request names none. @default resources[0] */
  default_resource?: string;
  /** Access-token lifetime in seconds. @default 300 */
  access_token_ttl?: number;
  /** RFC 7591 §2: the client's public keys; required for, and only for, private_key_jwt. */
  jwks?: { keys: Record<string, unknown>[] };
  /**
   * RFC 7591 §2 grant_types.
   * @default ['authorization_code', 'refresh_token'] for a public client (`none`), else ['client_credentials']
   */
  grant_types?: ClientGrantType[];
  /** RFC 7591 §2 redirect_uris; required with authorization_code. */
  redirect_uris?: string[];
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1. @default [] */
  post_logout_redirect_uris?: string[];
  /**
   * Authorities carried in the client's access tokens (issue 13 §2): admin authorities
   * (authorities/admin-authorities.ts) and tenant-defined strings. Who may assign which is the
   * admin API's decision. @default []
   */
  authorities?: string[];
}

export const GRANT_TYPES: readonly ClientGrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
export const AUTH_METHODS: readonly ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/** Client ids appear in Basic credentials and logs; this alphabet needs no escaping in either. */
export const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
export const MIN_TOKEN_TTL = 60;
export const MAX_TOKEN_TTL = 86_400;
export const DEFAULT_TOKEN_TTL = 300;

/** RFC 7518 §6: members that only private (or symmetric) JWKs carry. */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/**
 * Validates a registration into a stored client and, for secret-based clients, generates the
 * secret. The secret is returned once and only its keyed hash is kept.
 */
export function registerClient(
  tenantId: string,
  registration: ClientRegistration,
  hasher: SecretHasher,
  at: Date,
  presetSecret?: string,
): { client: StoredClient; secret?: string } {
  const clientId = registration.client_id ?? randomBytes(16).toString('base64url');
  if (!CLIENT_ID.test(clientId)) throw new InvalidClientMetadata(`client_id must match ${CLIENT_ID}`);
  const authMethod = registration.token_endpoint_auth_method ?? 'client_secret_basic';

  const scopes = (registration.scope ?? '').split(' ').filter((s) => s !== '');
  for (const scope of scopes) {
    if (!isScopeToken(scope)) throw new InvalidClientMetadata(`scope "${scope}" is not a valid scope-token (RFC 6749 section 3.3)`);
  }

  const authorities = [...new Set(registration.authorities ?? [])];
  for (const authority of authorities) {
    if (!AUTHORITY.test(authority)) throw new InvalidClientMetadata('each authority must be 1 to 128 printable ASCII characters without spaces');
  }
  if (authorities.length > MAX_AUTHORITIES) throw new InvalidClientMetadata(`authorities may hold at most ${MAX_AUTHORITIES} entries`);
  // An admin client needs tokens for the admin API, and gets it as a resource without asking.
  const isAdmin = authorities.some((a) => isAdminAuthority(a) && a !== 'introspect');
  const resources = [...new Set([...(registration.resources ?? []), ...(isAdmin ? [ADMIN_AUDIENCE] : [])])];
  if (resources.length === 0) throw new InvalidClientMetadata('resources must name at least one resource indicator');
  for (const resource of resources) {
    if (!isResourceIndicator(resource)) throw new InvalidClientMetadata(`resource "${resource}" must be an absolute URI without a fragment (RFC 8707 section 2)`);
  }
  const defaultResource = registration.default_resource ?? resources[0]!;
  if (!resources.includes(defaultResource)) throw new InvalidClientMetadata('default_resource must be one of resources');

  const ttl = registration.access_token_ttl ?? DEFAULT_TOKEN_TTL;
  if (!Number.isInteger(ttl) || ttl < MIN_TOKEN_TTL || ttl > MAX_TOKEN_TTL) {
    throw new InvalidClientMetadata(`access_token_ttl must be an integer from ${MIN_TOKEN_TTL} to ${MAX_TOKEN_TTL} seconds`);
  }

  const grantTypes = validatedGrantTypes(registration.grant_types, authMethod);
  const redirectUris = validatedUris('redirect_uris', registration.redirect_uris ?? []);
  const postLogoutRedirectUris = validatedUris('post_logout_redirect_uris', registration.post_logout_redirect_uris ?? []);
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) {
    throw new InvalidClientMetadata('redirect_uris must name at least one URI for the authorization_code grant');
  }
  if (!grantTypes.includes('authorization_code') && (redirectUris.length > 0 || postLogoutRedirectUris.length > 0)) {
    throw new InvalidClientMetadata('redirect_uris and post_logout_redirect_uris are only for clients with the authorization_code grant');
  }

  let jwks: StoredClient['jwks'] = null;
  let secret: string | undefined;
  if (authMethod === 'none') {
    if (presetSecret !== undefined) throw new InvalidClientMetadata('a public client (token_endpoint_auth_method none) has no secret');
    if (registration.jwks !== undefined) throw new InvalidClientMetadata('jwks is only for private_key_jwt clients, not none');
  } else if (authMethod === 'private_key_jwt') {
    if (presetSecret !== undefined) throw new InvalidClientMetadata('a private_key_jwt client has no secret');
    jwks = validatedJwks(registration.jwks);
  } else {
    if (registration.jwks !== undefined) throw new InvalidClientMetadata(`jwks is only for private_key_jwt clients, not ${authMethod}`);
    secret = presetSecret ?? SecretHasher.generateSecret();
  }

  return {
    client: {
      tenantId,
      clientId,
      authMethod,
      secretHash: secret === undefined ? null : hasher.hash(secret),
      jwks,
      scopes,
      resources,
      defaultResource,
      accessTokenTtl: ttl,
      grantTypes,
      redirectUris,
      postLogoutRedirectUris,
      authorities,
      createdAt: at,
      disabledAt: null,
      // Provisioning attests the JWKS before storing it (it holds the sealer).
      jwksAttestation: null,
    },
    secret,
  };
}

function validatedGrantTypes(requested: ClientGrantType[] | undefined, authMethod: ClientAuthMethod): ClientGrantType[] {
  const grantTypes = [...new Set(requested ?? (authMethod === 'none' ? ['authorization_code', 'refresh_token'] : ['client_credentials']))] as ClientGrantType[];
  if (grantTypes.length === 0) throw new InvalidClientMetadata(`grant_types must name at least one of ${GRANT_TYPES.join(', ')}`);
  for (const grantType of grantTypes) {
    if (!GRANT_TYPES.includes(grantType)) throw new InvalidClientMetadata(`grant_types value "${String(grantType)}" is not one of ${GRANT_TYPES.join(', ')}`);
  }
  // RFC 6749 §4.4: client_credentials is for confidential clients only; a public client has no credentials.
  if (authMethod === 'none' && grantTypes.includes('client_credentials')) {
    throw new InvalidClientMetadata('a public client (token_endpoint_auth_method none) cannot use client_credentials');
  }
  // Refresh tokens are only issued from an authorization code grant here.
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    throw new InvalidClientMetadata('grant_types refresh_token needs authorization_code');
  }
  return grantTypes;
}

/**
 * Redirect URIs are compared by exact string match (RFC 9700 §4.1.3), so what is registered must
 * be a complete absolute URI without a fragment (RFC 6749 §3.1.2), https, or http only to a loopback
 * host for native apps and development (RFC 8252 §7.3, RFC 9700 §4.1.3).
 */
function validatedUris(field: string, uris: string[]): string[] {
  const unique = [...new Set(uris)];
  unique.forEach((uri, i) => {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new InvalidClientMetadata(`${field}[${i}] must be an absolute URI`);
    }
    if (uri.includes('#')) throw new InvalidClientMetadata(`${field}[${i}] must not contain a fragment (RFC 6749 section 3.1.2)`);
    if (url.username !== '' || url.password !== '') throw new InvalidClientMetadata(`${field}[${i}] must not contain user information`);
    const loopback = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new InvalidClientMetadata(`${field}[${i}] must use https (http is allowed only for localhost, 127.0.0.1 and [::1])`);
    }
  });
  return unique;
}

function validatedJwks(jwks: ClientRegistration['jwks']): NonNullable<StoredClient['jwks']> {
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
    throw new InvalidClientMetadata('private_key_jwt requires jwks with at least one public key');
  }
  const keys = jwks.keys.map((jwk, i) => {
    if (PRIVATE_JWK_MEMBERS.some((m) => m in jwk)) throw new InvalidClientMetadata(`jwks.keys[${i}] contains private key material`);
    if (!['RSA', 'EC', 'OKP'].includes(String(jwk.kty))) throw new InvalidClientMetadata(`jwks.keys[${i}].kty must be RSA, EC or OKP`);
    let bits = 0;
    try {
      bits = createPublicKey({ key: jwk as never, format: 'jwk' }).asymmetricKeyDetails?.modulusLength ?? 0;
    } catch {
      throw new InvalidClientMetadata(`jwks.keys[${i}] is not a valid public JWK`);
    }
    if (jwk.kty === 'RSA' && bits < 2048) throw new InvalidClientMetadata(`jwks.keys[${i}] is an RSA key below 2048 bits`);
    return { ...jwk };
  });
  return { keys };
}
