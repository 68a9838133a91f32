import { randomBytes } from 'node:crypto';
import type { GrantStore } from '../store/grants/grant-store';
import { newOpaqueToken } from '../tokens/opaque-token';
import type { AuthorizationRequest } from './authorization-request';

/** RFC 6749 §4.1.2 recommends at most 10 minutes; a browser redirect needs seconds. */
export const CODE_TTL_SECONDS = 60;

/**
 * Creates the grant a sign-in earns and its one-time authorization code. The grant exists from
 * now on, so a replayed code can revoke it (and everything issued under it) even while the first
 * redemption is still running (RFC 6749 §4.1.2).
 */
export async function issueAuthorizationCode(
  grants: GrantStore,
  input: { tenantId: string; request: AuthorizationRequest; userId: string; authTime: Date; at: Date; grantSeconds: number },
): Promise<string> {
  const { tenantId, request, at } = input;
  const grantId = randomBytes(16).toString('base64url');
  const code = newOpaqueToken();
  await grants.createGrantWithCode(
    {
      tenantId,
      grantId,
      clientId: request.clientId,
      userId: input.userId,
      scopes: request.scopes,
      authTime: input.authTime,
      createdAt: at,
      expiresAt: new Date(at.getTime() + input.grantSeconds * 1000),
      revokedAt: null,
    },
    {
      tenantId,
      codeHash: code.hash,
      grantId,
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce ?? null,
      expiresAt: new Date(at.getTime() + CODE_TTL_SECONDS * 1000),
    },
  );
  return code.value;
}
