import type { FastifyInstance } from 'fastify';
import { TenantNotFound } from '../errors/resource-errors';
import { RuntimeError } from '../errors/runtime-error';
import { InvalidRequest } from '../errors/oauth-errors';
import { PLATFORM_TENANT } from '../identifiers/platform';
import { isTenantId, TENANT_ID } from '../identifiers/tenant-id';
import { InvalidSignInPolicy, SIGN_IN_POLICY_FIELDS, resolvedSignInPolicy } from '../sign-in-protection/sign-in-policy';
import type { SignInPolicy } from '../sign-in-protection/sign-in-policy';
import type { TenantSummary } from '../store/identity-store';
import type { AdminContext } from './admin-context';
import { createTenantSchema, customerMoveSchema, signInPolicySchema, tenantListSchema, tenantSchema } from './schemas';

/** A policy override the tenant's admin sent that the checks refuse: 400, naming the field. */
class SignInPolicyRefused extends RuntimeError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

/**
 * /admin/tenants: create, list, get, set the sign-in protection policy, disable (issue 13 §3).
 * Creating, listing and disabling tenants is the platform's (`platform:admin`); reading one is its
 * own admin's (`tenant:admin`), its policy `policy:manage`.
 */
export function tenantRoutes(app: FastifyInstance, ctx: AdminContext): void {
  app.post<{ Body: { tenant: string; display_name?: string; customer?: string } }>(
    '/admin/tenants',
    { schema: createTenantSchema, config: { admin: { authority: 'platform:admin', action: 'tenant.create', target: 'tenant' } } },
    async (request, reply) => {
      const { tenant, display_name: displayName, customer } = request.body;
      if (!isTenantId(tenant)) throw new InvalidRequest(`tenant id must match ${TENANT_ID}`);
      // The new tenant's chain starts with its creation; the actor is qualified as the platform's.
      const keys = await ctx.provisioning.createTenant(tenant, { displayName, customer }, ctx.guard.event(request, 'success', tenant, tenant));
      return reply.code(201).send({ ...describeTenant(await findTenant(ctx, tenant), ctx), keys });
    },
  );

  app.get<{ Querystring: { after?: string; limit: number } }>(
    '/admin/tenants',
    { schema: tenantListSchema, config: { admin: { authority: 'platform:admin', action: 'tenant.list', target: 'tenant' } } },
    async (request) => {
      const tenants = await ctx.store.listTenants({ after: request.query.after, limit: request.query.limit });
      await ctx.guard.record(request, 'success', null);
      const last = tenants[tenants.length - 1];
      return { tenants: tenants.map((t) => describeTenant(t, ctx)), next_after: tenants.length === request.query.limit && last ? last.id : null };
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/admin/tenants/:tenant',
    { schema: tenantSchema, config: { admin: { authority: 'tenant:admin', action: 'tenant.read', target: 'tenant' } } },
    async (request) => {
      const tenant = await findTenant(ctx, request.params.tenant);
      await ctx.guard.record(request, 'success', tenant.id);
      return describeTenant(tenant, ctx);
    },
  );

  app.put<{ Params: { tenant: string }; Body: Partial<SignInPolicy> }>(
    '/admin/tenants/:tenant/sign-in-policy',
    { schema: signInPolicySchema, config: { admin: { authority: 'policy:manage', action: 'policy.update', target: 'policy' } } },
    async (request) => {
      const tenantId = request.params.tenant;
      let policy: SignInPolicy;
      try {
        policy = resolvedSignInPolicy(tenantId, request.body);
      } catch (error) {
        if (error instanceof InvalidSignInPolicy) throw new SignInPolicyRefused(error.description);
        throw error;
      }
      const overrides = Object.fromEntries(SIGN_IN_POLICY_FIELDS.filter((f) => request.body[f] !== undefined).map((f) => [f, request.body[f] as number]));
      const tenant = await ctx.store.updateTenant(tenantId, { signInPolicy: overrides }, ctx.guard.event(request, 'success', tenantId));
      ctx.onTenantChanged(tenantId);
      return { tenant: tenant.id, sign_in_policy: policy, overrides };
    },
  );

  app.post<{ Params: { tenant: string }; Body: { customer: string; batch?: number } }>(
    '/admin/tenants/:tenant/customer-move',
    { schema: customerMoveSchema, config: { admin: { authority: 'platform:admin', action: 'tenant.customer_move', target: 'tenant' } } },
    async (request) => {
      const tenantId = request.params.tenant;
      // Each call is one step (a page of users re-wrapped); call again until `done`. A step that
      // dies is resumed by the next call. The first step is audited with the move's start.
      const tenant = await ctx.store.findTenantProfile(tenantId);
      const starting = tenant !== undefined && tenant.move === null;
      const progress = await ctx.customerMove.step(tenantId, request.body.customer, request.body.batch ?? 200, starting ? ctx.guard.event(request, 'success', tenantId) : undefined);
      if (!starting) await ctx.guard.record(request, 'success', tenantId);
      ctx.onTenantChanged(tenantId);
      return progress;
    },
  );

  app.post<{ Params: { tenant: string } }>(
    '/admin/tenants/:tenant/disable',
    { schema: tenantSchema, config: { admin: { authority: 'platform:admin', action: 'tenant.disable', target: 'tenant' } } },
    async (request) => {
      const tenantId = request.params.tenant;
      if (tenantId === PLATFORM_TENANT) throw new PlatformTenantProtected('the platform tenant cannot be disabled: it holds the administrators');
      const tenant = await ctx.provisioning.disableTenant(tenantId, ctx.guard.event(request, 'success', tenantId));
      ctx.onTenantChanged(tenantId);
      return describeTenant(tenant, ctx);
    },
  );
}

class PlatformTenantProtected extends RuntimeError {
  readonly code = 'invalid_request';
  readonly status = 400;
}

async function findTenant(ctx: AdminContext, tenantId: string): Promise<TenantSummary> {
  const tenant = await ctx.store.findTenantProfile(tenantId);
  if (!tenant) throw new TenantNotFound(tenantId);
  return tenant;
}

function describeTenant(tenant: TenantSummary, ctx: AdminContext) {
  return {
    tenant: tenant.id,
    display_name: tenant.displayName,
    issuer: ctx.issuers.issuer(tenant.id),
    customer: tenant.customer,
    kms_key_alias: tenant.kmsKeyAlias,
    customer_move: tenant.move && { customer: tenant.move.customer, kms_key_alias: tenant.move.kmsKeyAlias, index_key_moved: tenant.move.indexKeyMoved },
    status: tenant.disabled ? 'disabled' : 'active',
    sign_in_policy_overrides: tenant.signInPolicy,
    created_at: tenant.createdAt.toISOString(),
    disabled_at: tenant.disabledAt?.toISOString() ?? null,
  };
}
