import { decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { InvalidClient, InvalidRequest } from '../errors/oauth-errors';
import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { isClientId } from './client-directory';
import type { ClientDirectory, KnownClient } from './client-directory';
import type { SecretHasher } from './secret-hasher';

/** RFC 7523 §2.2 */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Asymmetric JWS algorithms accepted in client assertions; `none` and HS* never (RFC 8725 §3.1). */
export const ASSERTION_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

/** Clock skew tolerated on assertion exp/nbf/iat: an iat up to this far in the future is accepted. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** Assertions valid for longer would have to be remembered longer for replay detection. */
const MAX_ASSERTION_LIFETIME_SECONDS = 600;
/**
 * An assertion is used moments after it is made (RFC 7523 §3 item 6 lets the server bound iat);
 * one issued longer ago was kept or intercepted, and is refused even if its exp is still ahead.
 */
const MAX_ASSERTION_AGE_SECONDS = 300;

/**
 * The body parameters of client authentication (RFC 6749 §2.3.1, RFC 7521 §4.2). Each is a single
 * string: the form parser refuses repeats (RFC 6749 §3.2) and the endpoint schemas declare them.
 */
export interface ClientAuthenticationParams {
  client_id?: string;
  client_secret?: string;
  client_assertion?: string;
  client_assertion_type?: string;
}

export interface AuthenticationRequest {
  tenantId: string;
  /** The tenant's issuer identifier (RFC 8414): the only `aud` a client assertion may carry. */
  issuer: string;
  authorization: string | undefined;
  params: Readonly<ClientAuthenticationParams>;
  /**
   * Whether a public client (token_endpoint_auth_method `none`, RFC 6749 §2.1) may identify
   * itself by client_id alone: only at the token endpoint for the authorization_code and
   * refresh_token grants, where PKCE (RFC 7636) and refresh-token rotation stand in for a secret.
   * @default false
   */
  allowPublic?: boolean;
}

/**
 * Client authentication for the token, introspection and revocation endpoints:
 * client_secret_basic and client_secret_post (RFC 6749 §2.3.1) and private_key_jwt
 * (RFC 7523 §2.2, §3). A client must use the method it registered (RFC 7591 §2
 * token_endpoint_auth_method), and exactly one method per request (RFC 6749 §2.3).
 */
export class ClientAuthenticator {
  constructor(private readonly deps: { clients: ClientDirectory; hasher: SecretHasher; store: IdentityStore; clock: Clock }) {}

  async authenticate(request: AuthenticationRequest): Promise<KnownClient> {
    const { authorization, params } = request;
    const basic = authorization !== undefined && /^basic /i.test(authorization);
    const post = params.client_secret !== undefined;
    const assertion = params.client_assertion !== undefined || params.client_assertion_type !== undefined;
    const used = Number(basic) + Number(post) + Number(assertion);
    if (used > 1) throw new InvalidRequest('the request uses more than one client authentication method (RFC 6749 section 2.3)');
    if (used === 0) {
      if (request.allowPublic && typeof params.client_id === 'string' && params.client_id !== '') return this.#public(request.tenantId, params.client_id);
      throw new InvalidClient('client authentication is required');
    }
    if (basic) return this.#basic(request, authorization!.slice(6).trim());
    if (post) return this.#post(request);
    return this.#assertion(request);
  }

  /**
   * The registered client, or invalid_client. An id outside the registration alphabet (a NUL,
   * a newline, any control character) is refused before any lookup, so it can neither match
   * another client nor reach the store or a log line.
   */
  async #find(tenantId: string, clientId: string): Promise<KnownClient> {
    if (!isClientId(clientId)) throw new InvalidClient('client authentication failed', { detail: 'client_id has characters no client id has' });
    const client = await this.deps.clients.find(tenantId, clientId);
    if (!client) throw new InvalidClient('client authentication failed', { detail: 'no such client' });
    // Same answer as an unknown client: a disabled client learns nothing about its state.
    if (client.disabledAt !== null) throw new InvalidClient('client authentication failed', { detail: 'client disabled' });
    return client;
  }

  async #public(tenantId: string, clientId: string): Promise<KnownClient> {
    const client = await this.#find(tenantId, clientId);
    // A confidential client must prove itself; its client_id alone is public knowledge.
    if (client.authMethod !== 'none') throw new InvalidClient('client authentication failed', { detail: `a ${client.authMethod} client sent no credentials` });
    return client;
  }

  async #basic(request: AuthenticationRequest, encoded: string): Promise<KnownClient> {
    // RFC 7617 §2: base64 of "user-id:password"; RFC 6749 §2.3.1: each part form-urlencoded first.
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new InvalidClient('malformed Basic credentials', { detail: 'not base64' });
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClient('malformed Basic credentials', { detail: 'no colon between client_id and secret' });
    const clientId = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    const bodyClientId = request.params.client_id;
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw new InvalidRequest('client_id in the body does not match the authenticated client');
    }
    return this.#secret(request.tenantId, clientId, secret, 'client_secret_basic');
  }

  async #post(request: AuthenticationRequest): Promise<KnownClient> {
    const { client_id: clientId, client_secret: secret } = request.params;
    if (typeof clientId !== 'string' || clientId === '') throw new InvalidClient('client_id is required with client_secret');
    if (typeof secret !== 'string') throw new InvalidRequest('client_secret must appear once');
    return this.#secret(request.tenantId, clientId, secret, 'client_secret_post');
  }

  async #secret(tenantId: string, clientId: string, secret: string, method: 'client_secret_basic' | 'client_secret_post'): Promise<KnownClient> {
    // One description for every failure, so a caller cannot probe which client ids exist.
    const client = await this.#find(tenantId, clientId);
    if (!client.secretHash) throw new InvalidClient('client authentication failed', { detail: `a ${client.authMethod} client has no secret` });
    if (!this.deps.hasher.verify(secret, client.secretHash)) throw new InvalidClient('client authentication failed', { detail: 'wrong secret' });
    if (client.authMethod !== method) throw new InvalidClient(`client is registered for ${client.authMethod}`);
    return client;
  }

  async #assertion(request: AuthenticationRequest): Promise<KnownClient> {
    const { client_assertion: assertion, client_assertion_type: type, client_id: bodyClientId } = request.params;
    if (typeof assertion !== 'string' || typeof type !== 'string') {
      throw new InvalidRequest('client_assertion and client_assertion_type are both required (RFC 7521 section 4.2)');
    }
    if (type !== JWT_BEARER_ASSERTION) throw new InvalidClient(`unsupported client_assertion_type; use ${JWT_BEARER_ASSERTION}`);

    const clientId = assertedClientId(assertion);
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw new InvalidRequest('client_id does not match the client assertion');
    }
    const client = await this.#find(request.tenantId, clientId);
    if (!client.keys) throw new InvalidClient('client authentication failed', { detail: `a ${client.authMethod} client has no registered keys` });
    if (client.authMethod !== 'private_key_jwt') throw new InvalidClient(`client is registered for ${client.authMethod}`);

    const now = new Date(this.deps.clock.now());
    let exp: number;
    let jti: string;
    let aud: string | string[];
    try {
      const { payload } = await jwtVerify(assertion, client.keys, {
        issuer: clientId,
        subject: clientId,
        algorithms: ASSERTION_ALGORITHMS,
        requiredClaims: ['exp', 'iat', 'jti', 'aud'],
        // iat no later than now + skew and no earlier than MAX_ASSERTION_AGE_SECONDS ago.
        maxTokenAge: MAX_ASSERTION_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: now,
      });
      exp = payload.exp!;
      jti = payload.jti!;
      aud = payload.aud!;
    } catch (error) {
      throw new InvalidClient('client_assertion is invalid, expired or not signed by a registered key', { detail: joseDetail(error) });
    }
    // draft-ietf-oauth-rfc7523bis, updating RFC 7523 §3 item 3: the server "MUST reject any JWT
    // that does not contain its issuer identifier as its sole audience value", compared by simple
    // string comparison (RFC 3986 §6.2.1); "the token endpoint URL of the authorization server
    // MUST NOT be used as an audience value", and aud "MUST be a JSON string, and not a
    // single-valued JSON array". An assertion whose audience is an endpoint URL, or a list, can be
    // made to name a server the client did not mean and be replayed by it (audience injection).
    // https://datatracker.ietf.org/doc/draft-ietf-oauth-rfc7523bis/
    if (aud !== request.issuer) {
      throw new InvalidClient('client_assertion aud must be exactly the issuer identifier', { detail: 'aud is not the sole issuer identifier' });
    }
    if (exp - now.getTime() / 1000 > MAX_ASSERTION_LIFETIME_SECONDS) {
      throw new InvalidClient(`client_assertion must expire within ${MAX_ASSERTION_LIFETIME_SECONDS} seconds`);
    }
    // RFC 7523 §3 item 7: a jti is accepted once, remembered until the assertion expires.
    const fresh = await this.deps.store.consumeAssertionId(request.tenantId, clientId, jti, new Date((exp + CLOCK_TOLERANCE_SECONDS) * 1000));
    if (!fresh) throw new InvalidClient('client_assertion has already been used');
    return client;
  }
}

/** RFC 7523 §3 items 1–2: iss and sub are both the client_id. The signature is checked later, against that client's keys. */
function assertedClientId(assertion: string): string {
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch (error) {
    throw new InvalidClient('client_assertion is not a JWT with iss = sub = client_id', { detail: joseDetail(error) });
  }
  if (typeof claims.sub !== 'string' || claims.iss !== claims.sub) {
    throw new InvalidClient('client_assertion is not a JWT with iss = sub = client_id', { detail: 'iss and sub differ or are missing' });
  }
  return claims.sub;
}

/** jose's error code, plus the claim for a failed claim check: enough for the operator, no token content. */
function joseDetail(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
    return `${error.code} (${error.claim}: ${error.reason})`;
  }
  return error instanceof joseErrors.JOSEError ? error.code : 'not verifiable';
}

function formDecode(value: string): string {
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new InvalidClient('malformed Basic credentials', { detail: 'invalid percent-encoding' });
  }
}
