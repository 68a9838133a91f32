import { ADMIN_AUTHORITIES } from '../../../runtime/src/authorities/admin-authorities';
import { startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * Issue 13 §2: every admin route × every authority × own / other tenant. The expectation is
 * written out here from the rules, not computed by the runtime's own `holds()`:
 * - `platform:admin` (a client of tenant `platform`) may call everything, in every tenant;
 * - `tenant:admin` everything in its own tenant except the platform's routes;
 * - each area authority only its own routes, in its own tenant;
 * - `introspect` and no authority at all: no admin route.
 * A refusal is 403 and leaves a `denied` event in the tenant that was tried; an allowed call is
 * never 401 or 403 (it may be 404 or 400: the ids and bodies here are deliberately junk, so no
 * allowed call changes what the next one sees).
 */
type RouteAuthority = (typeof ADMIN_AUTHORITIES)[number];
interface Route {
  method: string;
  path: (tenant: string) => string;
  authority: RouteAuthority;
  body?: unknown;
}

const KID = 'A'.repeat(43);
const ROUTES: Route[] = [
  { method: 'POST', path: () => '/admin/tenants', authority: 'platform:admin', body: { tenant: 'Not A Tenant' } },
  { method: 'GET', path: () => '/admin/tenants', authority: 'platform:admin' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}`, authority: 'tenant:admin' },
  { method: 'PUT', path: (t) => `/admin/tenants/${t}/sign-in-policy`, authority: 'policy:manage', body: { blockSeconds: -1 } },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/clients`, authority: 'clients:manage', body: { unknown_member: true } },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/clients`, authority: 'clients:manage' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/clients/no-such-client`, authority: 'clients:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/clients/no-such-client/secret`, authority: 'clients:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/clients/no-such-client/disable`, authority: 'clients:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/clients/no-such-client/enable`, authority: 'clients:manage' },
  { method: 'PUT', path: (t) => `/admin/tenants/${t}/clients/no-such-client/authorities`, authority: 'clients:manage', body: { authorities: [] } },
  { method: 'DELETE', path: (t) => `/admin/tenants/${t}/clients/no-such-client`, authority: 'clients:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/users`, authority: 'users:manage', body: { unknown_member: true } },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/users?username=nobody`, authority: 'users:manage' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/users/no-such-user`, authority: 'users:manage' },
  { method: 'PATCH', path: (t) => `/admin/tenants/${t}/users/no-such-user`, authority: 'users:manage', body: { name: 'x' } },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/users/no-such-user/disable`, authority: 'users:manage' },
  { method: 'PUT', path: (t) => `/admin/tenants/${t}/users/no-such-user/password`, authority: 'users:manage', body: { password: 'x' } },
  { method: 'PUT', path: (t) => `/admin/tenants/${t}/users/no-such-user/authorities`, authority: 'users:manage', body: { authorities: [] } },
  { method: 'DELETE', path: (t) => `/admin/tenants/${t}/users/no-such-user`, authority: 'users:manage' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/keys`, authority: 'keys:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/keys/rotate`, authority: 'keys:manage' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/keys/${KID}/revoke`, authority: 'keys:manage' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/audit`, authority: 'audit:read' },
  { method: 'GET', path: (t) => `/admin/tenants/${t}/audit/verify`, authority: 'audit:read' },
  { method: 'POST', path: (t) => `/admin/tenants/${t}/customer-move`, authority: 'platform:admin', body: { customer: 'Not A Customer' } },
  // Last, and the platform admin last among the callers: its allowed call really disables the
  // tenant, after which that tenant's own clients can no longer authenticate.
  { method: 'POST', path: (t) => `/admin/tenants/${t}/disable`, authority: 'platform:admin' },
];

const PRINCIPALS = [...ADMIN_AUTHORITIES.filter((a) => a !== 'platform:admin'), 'none', 'platform:admin'] as const;

function expectedAllowed(held: (typeof PRINCIPALS)[number], needed: RouteAuthority, ownTenant: boolean): boolean {
  if (held === 'platform:admin') return true;
  if (!ownTenant || needed === 'platform:admin') return false;
  return held === needed || held === 'tenant:admin';
}

describe('admin API: every route × authority × own/other tenant (memory store)', () => {
  let h: Harness;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    h = await startHarness('memory');
    await h.createTenant('own');
    await h.createTenant('other');
    for (const authority of PRINCIPALS) {
      // platform:admin is assignable only in the platform tenant; everyone else lives in `own`.
      const tenant = authority === 'platform:admin' ? 'platform' : 'own';
      const created = await h.createClient(tenant, { client_id: `holder-${authority.replace(':', '-')}`, resources: ['urn:brandstack:admin'], authorities: authority === 'none' ? [] : [authority] });
      tokens.set(authority, await h.tokenFor(tenant, created.client_id, created.client_secret));
    }
  });
  afterAll(() => h.close());

  test('the table covers exactly the routes of the OpenAPI document, and each declares an authority', async () => {
    const document = (await h.request('GET', '/admin/openapi.json')).json as { paths: Record<string, Record<string, { 'x-brandstack-authority'?: string }>> };
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => `${method.toUpperCase()} ${path} ${operation['x-brandstack-authority']}`),
    );
    const templated = (route: Route) =>
      `${route.method} ${route.path('{tenant}').split('?')[0]!.replace('no-such-client', '{client}').replace('no-such-user', '{user}').replace(KID, '{kid}')} ${route.authority}`;
    expect(documented.sort()).toEqual(ROUTES.map(templated).sort());
  });

  for (const route of ROUTES) {
    for (const held of PRINCIPALS) {
      for (const target of ['own', 'other'] as const) {
        const allowed = expectedAllowed(held, route.authority, target === 'own');
        // The platform admin's "own" tenant is platform; it reaches both here anyway.
        test(`${route.method} ${route.path(target)} by ${held} in ${target} tenant: ${allowed ? 'allowed' : '403'}`, async () => {
          const before = (await h.store.journal.trail.query(target, { limit: 500 })).events.length;
          const response = await h.admin(route.method, route.path(target), route.body, tokens.get(held));
          if (allowed) {
            expect([401, 403]).not.toContain(response.status);
            return;
          }
          expect(response.status).toBe(403);
          expect(response.json.error).toBe('insufficient_authority');
          // Platform-wide routes without a tenant in the path record the refusal in the caller's tenant.
          const where = route.path(target).startsWith(`/admin/tenants/${target}`) ? target : 'own';
          const events = (await h.store.journal.trail.query(where, { limit: 500 })).events;
          const last = events[events.length - 1]!;
          expect(last).toMatchObject({ outcome: 'denied', actor: { type: 'client' } });
          expect(last.actor.id).toContain(`holder-${held.replace(':', '-')}`);
          if (where === target) expect(events.length).toBe(before + 1);
        });
      }
    }
  }
});
