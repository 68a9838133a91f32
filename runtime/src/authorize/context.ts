import type { FastifyRequest } from 'fastify';
import type { ClientDirectory } from '../clients/client-directory';
import type { TenantKeyring } from '../keys/tenant-keyring';
import type { AccountPseudonyms } from '../sign-in-protection/account-pseudonyms';
import type { SignInGuard } from '../sign-in-protection/sign-in-guard';
import type { IdentityStore } from '../store/identity-store';
import type { Clock } from '../support/clock';
import type { IssuerUrls } from '../tenants/issuer-urls';
import type { TenantProfiles } from '../tenants/tenant-profiles';
import type { UserDirectory } from '../users/user-directory';
import type { SignedCookies } from './signed-cookies';

/** What the authorization endpoint, the hosted sign-in and logout need; passed as plugin options. */
export interface AuthorizeContext {
  store: IdentityStore;
  keyring: TenantKeyring;
  clients: ClientDirectory;
  users: UserDirectory;
  guard: SignInGuard;
  pseudonyms: AccountPseudonyms;
  /** The client IP through trusted proxies only (sign-in-protection/client-ip.ts). */
  clientIpOf(request: FastifyRequest): string;
  issuers: IssuerUrls;
  clock: Clock;
  cookies: SignedCookies;
  /** How long a signed-in session lets later requests skip the page. */
  sessionSeconds: number;
  /** Absolute lifetime of a grant and so of its refresh tokens. */
  grantSeconds: number;
  /** Tenant profiles (the display name that titles the pages), cached briefly in front of the store. */
  tenantProfiles: TenantProfiles;
}
