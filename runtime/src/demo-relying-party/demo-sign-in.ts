import { randomBytes } from 'node:crypto';
import { ClientNotFound } from '../errors/resource-errors';
import type { Provisioning } from '../tenants/provisioning';
import type { UserDirectory } from '../users/user-directory';

export const DEMO_PUBLIC_CLIENT_ID = 'demo-public';
export const DEMO_SCOPE = 'openid profile email demo.read';

/**
 * What `npm start` (and the browser tests' runtime) provision for signing in: a user with a
 * password (generated unless given: 24 base64url characters, above NIST SP 800-63B rev. 4's 15),
 * and a public PKCE client (token_endpoint_auth_method none, RFC 6749 §2.1) with the given
 * redirect and post-logout URIs. The tenant must exist.
 */
export async function provisionDemoSignIn(
  deps: { provisioning: Provisioning; users: UserDirectory },
  input: {
    tenant: string;
    username: string;
    password?: string;
    redirectUris: string[];
    postLogoutRedirectUris: string[];
    resource: string;
    clientId?: string;
  },
): Promise<{ clientId: string; username: string; password: string; userId: string }> {
  const password = input.password ?? randomBytes(18).toString('base64url');
  // Idempotent, for `npm start` with DATABASE_URL: a user from an earlier start gets this start's
  // password, and the public client is registered again with this start's redirect URIs.
  const existing = await deps.users.findByUsername(input.tenant, input.username);
  const user = existing ?? (await deps.users.create(input.tenant, { username: input.username, password, name: 'Demo User', email: `${input.username}@demo.brandstack.example`, authorities: ['demo.reader'] }));
  if (existing) await deps.users.setPassword(input.tenant, existing.id, password);
  const clientId = input.clientId ?? DEMO_PUBLIC_CLIENT_ID;
  await deps.provisioning.deleteClient(input.tenant, clientId).catch((error: unknown) => {
    if (!(error instanceof ClientNotFound)) throw error;
  });
  const { client } = await deps.provisioning.createClient(input.tenant, {
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutRedirectUris,
    scope: 'demo.read',
    resources: [input.resource],
    access_token_ttl: 300,
  });
  return { clientId: client.clientId, username: user.username, password, userId: user.id };
}
