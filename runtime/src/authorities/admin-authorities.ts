import { PLATFORM_TENANT } from '../identifiers/platform';

/**
 * The admin authorities (issue 13 §2). `platform:admin` reaches every tenant and is honoured only
 * in tokens of the platform tenant; `tenant:admin` is everything in its own tenant; the others are
 * one area each, in their own tenant. `introspect` lets a resource server introspect every token
 * of its tenant (RFC 7662 §4 leaves who may introspect what to the authorization server).
 */
export const ADMIN_AUTHORITIES = [
  'platform:admin',
  'tenant:admin',
  'clients:manage',
  'users:manage',
  'keys:manage',
  'audit:read',
  'policy:manage',
  'introspect',
] as const;
export type AdminAuthority = (typeof ADMIN_AUTHORITIES)[number];

/** What an admin route may declare it needs: every authority but `introspect`, which guards no admin route. */
export type RouteAuthority = Exclude<AdminAuthority, 'introspect'>;

export function isAdminAuthority(value: string): value is AdminAuthority {
  return (ADMIN_AUTHORITIES as readonly string[]).includes(value);
}

/** 1-128 printable ASCII characters without spaces (RFC 6749 §3.3's scope-token alphabet less the quote). */
export const AUTHORITY = /^[\x21-\x7e]{1,128}$/;
export const MAX_AUTHORITIES = 100;

/**
 * Why an authority set cannot be assigned, or undefined when it can: `platform:admin` only in
 * the platform tenant, and the assigner must
 * hold every admin authority it hands out (directly, or through `tenant:admin` or
 * `platform:admin`), so `clients:manage` cannot mint a `tenant:admin` client.
 */
export function assignmentRefusal(tenant: string, authorities: readonly string[], assigner: readonly string[], assignerTenant: string): string | undefined {
  for (const authority of authorities) {
    if (!AUTHORITY.test(authority)) return `authority "${authority.slice(0, 40)}" must be 1 to 128 printable ASCII characters without spaces`;
    // Anything else is a tenant-defined authority, which the admin API never reads.
    if (!isAdminAuthority(authority)) continue;
    if (authority === 'platform:admin' && tenant !== PLATFORM_TENANT) return `platform:admin can be assigned only in tenant ${PLATFORM_TENANT}`;
    if (!holds(assigner, assignerTenant, tenant, authority)) return `assigning ${authority} needs holding it (or tenant:admin)`;
  }
  if (authorities.length > MAX_AUTHORITIES) return `at most ${MAX_AUTHORITIES} authorities`;
  return undefined;
}

/**
 * Whether a principal of `principalTenant` holding `authorities` may act with `needed` in
 * `targetTenant`. A tenant's own authorities never reach another tenant.
 */
export function holds(authorities: readonly string[], principalTenant: string, targetTenant: string | undefined, needed: AdminAuthority): boolean {
  if (principalTenant === PLATFORM_TENANT && authorities.includes('platform:admin')) return true;
  if (needed === 'platform:admin' || targetTenant === undefined || principalTenant !== targetTenant) return false;
  return authorities.includes(needed) || authorities.includes('tenant:admin');
}
