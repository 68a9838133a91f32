import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { auditRoutes } from '../../../runtime/src/audit/audit-routes';
import { buildAuditEvent, opaqueId } from '../../../runtime/src/audit/audit-event';
import { RuntimeError } from '../../../runtime/src/errors/runtime-error';
import { MemoryAuditStore } from '../../../runtime/src/store/audit/memory-audit-store';

class Forbidden extends RuntimeError {
  readonly code = 'insufficient_authority';
  readonly status = 403;
}

const T0 = Date.UTC(2026, 11, 1, 12, 0, 0, 0);
const ACME = { authorization: 'Bearer reader-of-acme' };

describe('audit routes', () => {
  let app: FastifyInstance;
  let store: MemoryAuditStore;
  let checked: string[];
  let base: string;

  beforeEach(async () => {
    store = new MemoryAuditStore();
    checked = [];
    for (let n = 1; n <= 5; n += 1) {
      await store.append(
        buildAuditEvent(
          { tenant: 'acme', actor: { type: 'client', id: opaqueId('acme-admin') }, action: 'client.secret_rotated', target: { type: 'client', id: opaqueId(`client-${n}`) }, outcome: 'success', sourceIp: '192.0.2.1', requestId: `req-${n}` },
          { now: () => T0 + n * 60_000 },
        ),
      );
    }
    app = Fastify();
    await app.register(auditRoutes, {
      auditStore: store,
      // Stands in for the admin credential check: a bearer naming the tenant it may read.
      checkCredential: async (request, tenant) => {
        checked.push(tenant);
        if (request.headers.authorization !== `Bearer reader-of-${tenant}`) throw new Forbidden(`this credential may not read the audit trail of "${tenant}"`);
      },
    });
    // A started server and fetch: the routes as a client meets them.
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => app.close());

  const get = async (url: string, headers: Record<string, string> = ACME) => {
    const response = await fetch(`${base}${url}`, { headers });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('pages through the trail with next_cursor and filters by time', async () => {
    const first = await get('/admin/tenants/acme/audit?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { request_id: string }) => e.request_id)).toEqual(['req-1', 'req-2']);
    expect(Object.keys(first.body.events[0]).sort()).toEqual(['action', 'actor', 'hash', 'id', 'outcome', 'previous_hash', 'request_id', 'source_ip', 'target', 'tenant', 'time']);
    const second = await get(`/admin/tenants/acme/audit?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.events.map((e: { request_id: string }) => e.request_id)).toEqual(['req-3', 'req-4']);

    const from = new Date(T0 + 2 * 60_000).toISOString();
    const to = new Date(T0 + 4 * 60_000).toISOString();
    const ranged = await get(`/admin/tenants/acme/audit?from=${from}&to=${to}`);
    expect(ranged.body).toMatchObject({ next_cursor: null });
    expect(ranged.body.events.map((e: { request_id: string }) => e.request_id)).toEqual(['req-2', 'req-3']);
  });

  it('verifies the chain', async () => {
    expect(await get('/admin/tenants/acme/audit/verify')).toEqual({ status: 200, body: { ok: true, events: 5 } });
  });

  it('asks the credential check first, for the tenant in the path, and answers its refusal', async () => {
    const refused = await get('/admin/tenants/globex/audit', ACME);
    expect(refused).toEqual({ status: 403, body: { error: 'insufficient_authority', error_description: 'this credential may not read the audit trail of "globex"' } });
    // A caller without the credential learns nothing from a 400: the check runs before validation.
    expect((await get('/admin/tenants/globex/audit?limit=abc', ACME)).status).toBe(403);
    expect((await get('/admin/tenants/globex/audit/verify', ACME)).status).toBe(403);
    expect(checked).toEqual(['globex', 'globex', 'globex']);
  });

  it.each([
    ['limit=0', 'query parameter "limit" must be an integer from 1 to 500'],
    ['limit=501', 'query parameter "limit" must be an integer from 1 to 500'],
    ['limit=ten', 'query parameter "limit" must be an integer from 1 to 500'],
    ['from=yesterday', 'query parameter "from" must be an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z'],
    ['to=2026-13-01T00:00:00Z', 'query parameter "to" must be an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z'],
    ['cursor=not%20a%20cursor', 'query parameter "cursor" must be the next_cursor of a previous page'],
    ['cursor=bm90LWEtY3Vyc29y', 'cursor is not one this API returned for this tenant; use next_cursor from the previous page'],
    ['form=2026-12-01T00:00:00Z', 'unknown query parameter "form"; allowed: from, to, cursor, limit'],
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'from must be before to'],
  ])('answers ?%s with a 400 naming the parameter', async (query, description) => {
    expect(await get(`/admin/tenants/acme/audit?${query}`)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: description } });
  });

  it('answers a malformed tenant with a 400 naming it', async () => {
    const response = await get('/admin/tenants/Not_A_Tenant/audit', { authorization: 'Bearer reader-of-Not_A_Tenant' });
    expect(response).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'path parameter "tenant" must be a tenant id (lower-case letters, digits and hyphens, at most 63)' } });
  });

  it('refuses a cursor of another tenant', async () => {
    const acmeCursor = (await get('/admin/tenants/acme/audit?limit=1')).body.next_cursor;
    const response = await get(`/admin/tenants/globex/audit?cursor=${acmeCursor}`, { authorization: 'Bearer reader-of-globex' });
    expect(response.status).toBe(400);
    expect(response.body.error_description).toMatch(/cursor is not one this API returned for this tenant/);
  });
});
