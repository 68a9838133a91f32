import type { FastifyInstance } from 'fastify';
import { TenantNotFound } from '../errors/resource-errors';
import type { StoredSigningKey } from '../store/identity-store';
import type { AdminContext } from './admin-context';
import { keySchema, tenantSchema } from './schemas';

/** /admin/tenants/:tenant/keys (issue 13 §3), under `keys:manage`: list, rotate, emergency revoke. */
export function keyRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.get<{ Params: { tenant: string } }>(
    '/admin/tenants/:tenant/keys',
    { schema: tenantSchema, config: { admin: { authority: 'keys:manage', action: 'key.list', target: 'key' } } },
    async (request) => {
      const keys = await ctx.store.findSigningKeys(request.params.tenant);
      if (!keys) throw new TenantNotFound(request.params.tenant);
      await ctx.guard.record(request, 'success', null);
      return { keys: keys.map(describeKey) };
    },
  );

  app.post<{ Params: { tenant: string } }>(
    '/admin/tenants/:tenant/keys/rotate',
    { schema: tenantSchema, config: { admin: { authority: 'keys:manage', action: 'key.rotate', target: 'key' } } },
    async (request) => {
      const keys = await ctx.rotation.rotate(request.params.tenant, (activated) => ctx.guard.event(request, 'success', activated));
      return { keys: keys.map(describeKey) };
    },
  );

  app.post<{ Params: { tenant: string; kid: string } }>(
    '/admin/tenants/:tenant/keys/:kid/revoke',
    { schema: keySchema, config: { admin: { authority: 'keys:manage', action: 'key.revoke', target: 'key', targetParam: 'kid' } } },
    async (request) => {
      const keys = await ctx.rotation.revoke(request.params.tenant, request.params.kid, (kid) => ctx.guard.event(request, 'success', kid));
      return { revoked: request.params.kid, keys: keys.map(describeKey) };
    },
  );
}

/** Public facts about a key; never the sealed private part. */
function describeKey(key: StoredSigningKey) {
  return {
    kid: key.kid,
    status: key.status,
    created_at: key.createdAt.toISOString(),
    activated_at: key.activatedAt?.toISOString() ?? null,
    retired_at: key.retiredAt?.toISOString() ?? null,
    retain_until: key.retainUntil?.toISOString() ?? null,
  };
}
