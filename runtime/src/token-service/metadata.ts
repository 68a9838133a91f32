import { ASSERTION_ALGORITHMS } from '../clients/client-authenticator';
import type { IssuerUrls } from '../tenants/issuer-urls';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

/**
 * RFC 8414 §2 authorization server metadata of one tenant. The same document is served at
 * `<issuer>/.well-known/openid-configuration` and, by RFC 8414 §3.1 path insertion, at
 * `<base>/.well-known/oauth-authorization-server/t/<tenant>`; its `issuer` equals the issuer
 * the client started from, as RFC 8414 §3.3 requires.
 */
export function authorizationServerMetadata(issuers: IssuerUrls, tenantId: string): Record<string, unknown> {
  return {
    issuer: issuers.issuer(tenantId),
    token_endpoint: issuers.endpoint(tenantId, 'token'),
    jwks_uri: issuers.endpoint(tenantId, 'jwks'),
    introspection_endpoint: issuers.endpoint(tenantId, 'introspect'),
    revocation_endpoint: issuers.endpoint(tenantId, 'revoke'),
    grant_types_supported: ['client_credentials'],
    // RFC 8414 §2 makes this member REQUIRED; there is no authorization endpoint, so none.
    response_types_supported: [],
    token_endpoint_auth_methods_supported: AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
  };
}
