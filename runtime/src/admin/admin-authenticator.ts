import type { ClientDirectory } from '../clients/client-directory';
import { AdminTokenInvalid } from '../errors/admin-errors';
import { ADMIN_AUDIENCE } from '../identifiers/platform';
import { isTenantId } from '../identifiers/tenant-id';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { epochSeconds } from '../support/clock';
import type { IssuerUrls } from '../tenants/issuer-urls';
import { verifyAccessToken } from '../tokens/token-verifier';
import type { UserDirectory } from '../users/user-directory';

/** Who is calling the admin API: the subject of a verified access token of this runtime. */
export interface AdminPrincipal {
  /** The tenant whose issuer minted the token. */
  readonly tenant: string;
  readonly clientId: string;
  /** The user, for a token issued to a user (authorization_code); null for a client's own token. */
  readonly userId: string | null;
  /** The token's authorities that the client or user still holds now. */
  readonly authorities: readonly string[];
}

export interface AdminAuthenticatorOptions {
  keyring: TenantKeyring;
  clients: ClientDirectory;
  users: UserDirectory;
  store: IdentityStore;
  issuers: IssuerUrls;
  clock: Clock;
}

/**
 * Admin calls carry access tokens issued by the runtime itself (issue 13 §1; RFC 6750 §2.1):
 * verified with the minting tenant's published keys and issuer, for the admin API's audience
 * (ADMIN_AUDIENCE, RFC 8707), unexpired and unrevoked. Authorities are the token's, intersected
 * with what its client (or user) holds now, so taking an authority away, or disabling or
 * deleting the client, ends its admin access within the client cache's bound (ClientDirectory),
 * not at the token's expiry; an emergency key revocation ends it at once on this replica.
 */
export class AdminAuthenticator {
  readonly #options: AdminAuthenticatorOptions;

  constructor(options: AdminAuthenticatorOptions) {
    this.#options = options;
  }

  async authenticate(authorization: string | undefined): Promise<AdminPrincipal> {
    const token = authorization !== undefined && /^bearer [^ ]+$/i.test(authorization.trim()) ? authorization.trim().slice(7) : undefined;
    if (token === undefined) throw new AdminTokenInvalid('a bearer access token for the admin API is required', { detail: 'no bearer token' });
    const tenant = claimedTenant(token);
    if (tenant === undefined) throw new AdminTokenInvalid('the access token is not valid', { detail: 'no tenant claim' });
    const { keyring, clients, users, store, issuers, clock } = this.#options;
    const keys = await keyring.get(tenant);
    if (!keys) throw new AdminTokenInvalid('the access token is not valid', { detail: 'unknown or disabled tenant' });
    const claims = verifyAccessToken(token, keys, { issuer: issuers.issuer(tenant), tenant, nowSeconds: epochSeconds(clock) });
    if (!claims) throw new AdminTokenInvalid('the access token is not valid', { detail: 'signature, issuer or expiry' });
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audience.includes(ADMIN_AUDIENCE)) throw new AdminTokenInvalid('the access token is not for the admin API', { detail: `aud lacks ${ADMIN_AUDIENCE}` });
    if (await store.isTokenRevoked(tenant, claims.jti)) throw new AdminTokenInvalid('the access token is not valid', { detail: 'revoked' });
    const client = await clients.find(tenant, claims.client_id);
    if (!client || client.disabledAt !== null) throw new AdminTokenInvalid('the access token is not valid', { detail: 'client deleted or disabled' });
    const granted = Array.isArray(claims.authorities) ? claims.authorities.filter((a): a is string => typeof a === 'string') : [];
    // A user token: its subject is the user (RFC 9068 §2.2), and auth_time says a user signed in.
    const userId = claims.auth_time !== undefined && claims.sub !== claims.client_id ? claims.sub : null;
    let held: readonly string[];
    if (userId === null) {
      held = client.authorities;
    } else {
      const user = await users.get(tenant, userId).catch(() => undefined);
      if (!user || user.status !== 'active') throw new AdminTokenInvalid('the access token is not valid', { detail: 'user deleted or disabled' });
      held = user.authorities;
    }
    return { tenant, clientId: claims.client_id, userId, authorities: granted.filter((a) => held.includes(a)) };
  }
}

/** The unverified `tenant` claim, to pick the keys to verify with; verification then checks it. */
function claimedTenant(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || payload.length > 8192) return undefined;
  try {
    const tenant: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))?.tenant;
    return typeof tenant === 'string' && isTenantId(tenant) ? tenant : undefined;
  } catch {
    return undefined;
  }
}
