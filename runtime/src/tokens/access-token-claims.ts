import { randomUUID } from 'node:crypto';
import { audienceFor } from '../oauth/resource-indicator';
import { grantedScopes } from '../oauth/scope';

/** RFC 9068 §2.2 claims of a client_credentials access token, plus the tenant. */
export interface AccessTokenClaims {
  iss: string;
  /** RFC 9068 §2.2: for client_credentials, the client itself is the subject. */
  sub: string;
  aud: string | string[];
  exp: number;
  iat: number;
  jti: string;
  client_id: string;
  /** RFC 9068 §2.2.3; absent when nothing was granted. */
  scope?: string;
  tenant: string;
  /** User tokens only: when the user authenticated (OIDC Core §2, RFC 9068 §2.2.1). */
  auth_time?: number;
  /**
   * The user's or client's authorities (RFC 9068 §2.2.3.1 lets an AS add such attributes); absent
   * when there are none. The admin API reads the admin ones (authorities/admin-authorities.ts).
   */
  authorities?: string[];
}

/** What issuing needs to know of a client; a KnownClient or StoredClient fits. */
export interface TokenClient {
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly defaultResource: string;
  readonly accessTokenTtl: number;
  /** @default none */
  readonly authorities?: readonly string[];
}

/** An authenticated client_credentials request (RFC 6749 §4.4.2) of one tenant. */
export interface ClientCredentialsGrant {
  /** The tenant's issuer, which becomes `iss`. */
  issuer: string;
  tenantId: string;
  client: TokenClient;
  /** The request's `scope` parameter (RFC 6749 §3.3), as sent. */
  scope: string | undefined;
  /** The request's `resource` parameters (RFC 8707 §2), as sent. */
  resource: readonly string[] | undefined;
}

/**
 * The claims of the access token a grant earns. Throws InvalidScope (RFC 6749 §5.2) or
 * InvalidTarget (RFC 8707 §2) when the client asks for more than it registered.
 */
export function accessTokenClaims(grant: ClientCredentialsGrant, nowSeconds: number): AccessTokenClaims {
  const { client } = grant;
  const scopes = grantedScopes(grant.scope, client.scopes);
  return {
    iss: grant.issuer,
    sub: client.clientId,
    aud: audienceFor(grant.resource, client),
    exp: nowSeconds + client.accessTokenTtl,
    iat: nowSeconds,
    // RFC 9068 §2.2 / RFC 7519 §4.1.7: unique per token; revocation (RFC 7009) names tokens by it.
    jti: randomUUID(),
    client_id: client.clientId,
    // Left undefined rather than spread in: JSON.stringify drops it, and no object is copied.
    scope: scopes.length > 0 ? scopes.join(' ') : undefined,
    tenant: grant.tenantId,
    authorities: client.authorities && client.authorities.length > 0 ? [...client.authorities] : undefined,
  };
}
