/**
 * Storage of what a user's sign-in grants a client: the authorization grant itself, its one-time
 * authorization codes, its refresh tokens (only their SHA-256 hashes) and the ids of the access
 * tokens issued under it, so that revoking the grant revokes them too (RFC 6749 §4.1.2, RFC 9700
 * §4.14.2). Implemented in memory (`npm start`) and in PostgreSQL; one suite runs on both.
 *
 * Time is always passed in, as in IdentityStore.
 */

/** One user's consent to one client, created at sign-in; codes and refresh tokens hang off it. */
export interface StoredGrant {
  tenantId: string;
  grantId: string;
  clientId: string;
  /** The user's opaque id (`sub`). */
  userId: string;
  scopes: string[];
  /** When the user authenticated (OIDC Core §2 auth_time). */
  authTime: Date;
  createdAt: Date;
  /** The absolute end of the grant: no refresh token outlives it (RFC 9700 §4.14.2). */
  expiresAt: Date;
  revokedAt: Date | null;
}

/** RFC 6749 §4.1.2: a one-time code bound to the client, the redirect URI and the PKCE challenge (RFC 7636 §4.4). */
export interface StoredAuthorizationCode {
  tenantId: string;
  /** Hex SHA-256 of the code; the code itself is never stored. */
  codeHash: string;
  grantId: string;
  clientId: string;
  redirectUri: string;
  /** RFC 7636 §4.2 S256 code_challenge. */
  codeChallenge: string;
  /** OIDC Core §3.1.2.1 nonce, echoed into the ID token; null when the request had none. */
  nonce: string | null;
  expiresAt: Date;
}

export interface StoredRefreshToken {
  tenantId: string;
  /** Hex SHA-256 of the opaque token. */
  tokenHash: string;
  grantId: string;
  expiresAt: Date;
}

export type CodeRedemption =
  | { outcome: 'redeemed'; code: StoredAuthorizationCode; grant: StoredGrant }
  /** Presented before: the caller revokes the grant (RFC 6749 §4.1.2). */
  | { outcome: 'replayed'; grantId: string }
  | { outcome: 'unknown' };

export type RefreshRotation =
  | { outcome: 'rotated'; grant: StoredGrant }
  /** A rotated-out token came back: the caller revokes the whole grant (RFC 9700 §4.14.2). */
  | { outcome: 'reused'; grantId: string }
  /** Unknown, expired, or its grant is revoked or past its absolute lifetime. */
  | { outcome: 'invalid' }
  /** A requested scope the grant does not hold (RFC 6749 §6); nothing was rotated. */
  | { outcome: 'scope_exceeded'; scope: string };

export interface IssuedAccessToken {
  jti: string;
  expiresAt: Date;
}

export interface GrantStore {
  /** Stores a new grant with its authorization code, atomically. The tenant, client and user must exist. */
  createGrantWithCode(grant: StoredGrant, code: StoredAuthorizationCode): Promise<void>;
  /** Marks the code used, atomically: exactly one caller ever gets `redeemed`. Expiry is the caller's check. */
  redeemAuthorizationCode(tenantId: string, codeHash: string, at: Date): Promise<CodeRedemption>;
  /** Stores a refresh token of the grant unless the grant is revoked by now; false then. */
  addRefreshToken(token: StoredRefreshToken, at: Date): Promise<boolean>;
  /**
   * Replaces the presented refresh token by the one hashed `nextHash`, which expires with the
   * grant (its absolute lifetime), atomically: of concurrent uses exactly one rotates, the others
   * see `reused`. A token of another client's grant is `invalid` and changes nothing.
   */
  rotateRefreshToken(tenantId: string, clientId: string, presentedHash: string, nextHash: string, at: Date, requestedScopes?: readonly string[]): Promise<RefreshRotation>;
  /** Remembers an access token issued under the grant, so revoking the grant can revoke it. */
  recordAccessToken(tenantId: string, grantId: string, token: IssuedAccessToken): Promise<void>;
  /** Revokes the grant and all its refresh tokens (idempotent); returns its unexpired access tokens. */
  revokeGrant(tenantId: string, grantId: string, at: Date): Promise<IssuedAccessToken[]>;
  findGrant(tenantId: string, grantId: string): Promise<StoredGrant | undefined>;
  /** Drops codes, grants and refresh tokens past their expiry. */
  purgeExpiredGrants(now: Date): Promise<void>;
}
