import { ASSERTION_ALGORITHMS } from '../clients/client-authenticator';
import { OIDC_SCOPES } from '../authorize/authorization-request';
import type { IssuerUrls } from '../tenants/issuer-urls';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
/** The token endpoint also admits public clients (`none`), for the authorization_code and refresh_token grants. */
const TOKEN_AUTH_METHODS = [...AUTH_METHODS, 'none'];

/**
 * RFC 8414 §2 authorization server metadata of one tenant. The same document is served at
 * `<issuer>/.well-known/openid-configuration` and, by RFC 8414 §3.1 path insertion, at
 * `<base>/.well-known/oauth-authorization-server/t/<tenant>`; its `issuer` equals the issuer
 * the client started from, as RFC 8414 §3.3 requires.
 */
export function authorizationServerMetadata(issuers: IssuerUrls, tenantId: string): Record<string, unknown> {
  const issuer = issuers.issuer(tenantId);
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: issuers.endpoint(tenantId, 'token'),
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: issuers.endpoint(tenantId, 'jwks'),
    // OpenID Connect RP-Initiated Logout 1.0 §2.1.
    end_session_endpoint: `${issuer}/logout`,
    introspection_endpoint: issuers.endpoint(tenantId, 'introspect'),
    revocation_endpoint: issuers.endpoint(tenantId, 'revoke'),
    // Exactly what is implemented: no implicit, hybrid or password grant (RFC 9700 §2.1.2, §2.4).
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    // RFC 7636 §4.2 / RFC 9700 §2.1.1: S256 only; plain is refused.
    code_challenge_methods_supported: ['S256'],
    scopes_supported: [...OIDC_SCOPES],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'azp', 'preferred_username', 'name', 'updated_at', 'email', 'email_verified', 'phone_number', 'phone_number_verified'],
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    // RFC 9207: the authorization response carries iss.
    authorization_response_iss_parameter_supported: true,
    token_endpoint_auth_methods_supported: TOKEN_AUTH_METHODS,
    token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
    revocation_endpoint_auth_methods_supported: AUTH_METHODS,
    revocation_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
  };
}
