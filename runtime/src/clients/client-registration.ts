import { createPublicKey, randomBytes } from 'node:crypto';
import type { ClientAuthMethod, StoredClient } from '../store/identity-store';
import { InvalidClientMetadata } from '../errors/resource-errors';
import { isResourceIndicator } from '../oauth/resource-indicator';
import { isScopeToken } from '../oauth/scope';
import { SecretHasher } from './secret-hasher';

/** Client metadata accepted by the admin API; names follow RFC 7591 §2 where one exists. */
export interface ClientRegistration {
  client_id?: string;
  token_endpoint_auth_method?: ClientAuthMethod;
  /** RFC 7591 §2: space-separated scope values the client may request. */
  scope?: string;
  /** RFC 8707 resource indicators the client may request; they become `aud`. */
  resources: string[];
  /** The resource used when a request names none. @default resources[0] */
  default_resource?: string;
  /** Access-token lifetime in seconds. @default 300 */
  access_token_ttl?: number;
  /** RFC 7591 §2: the client's public keys; required for, and only for, private_key_jwt. */
  jwks?: { keys: Record<string, unknown>[] };
}

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

  const resources = [...new Set(registration.resources)];
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

  let jwks: StoredClient['jwks'] = null;
  let secret: string | undefined;
  if (authMethod === 'private_key_jwt') {
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
      createdAt: at,
    },
    secret,
  };
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
