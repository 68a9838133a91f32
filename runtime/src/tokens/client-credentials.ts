import type { ClientCredentialsGrant } from './access-token-claims';
import { accessTokenClaims } from './access-token-claims';
import type { TokenSigner } from './token-signer';

/** RFC 6749 §5.1 successful response; `scope` is left out of the JSON when undefined. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds, the client's access-token TTL. */
  expires_in: number;
  /** The granted scopes, whenever any were granted: RFC 6749 §5.1 requires them once they differ from the request. */
  scope: string | undefined;
}

/**
 * RFC 6749 §4.4.3: the access token response to an authenticated client_credentials grant, with
 * an RFC 9068 JWT access token signed by the tenant's active key.
 */
export function issueAccessToken(grant: ClientCredentialsGrant, signer: TokenSigner, nowSeconds: number): TokenResponse {
  const claims = accessTokenClaims(grant, nowSeconds);
  return { access_token: signer.sign(claims), token_type: 'Bearer', expires_in: grant.client.accessTokenTtl, scope: claims.scope };
}
