import type { FastifyInstance, FastifyRequest } from 'fastify';
import { assignmentRefusal } from '../authorities/admin-authorities';
import type { ClientRegistration } from '../clients/client-registration';
import { AdminForbidden } from '../errors/admin-errors';
import { ClientNotFound, TenantNotFound } from '../errors/resource-errors';
import type { StoredClient } from '../store/identity-store';
import type { AdminContext } from './admin-context';
import { authoritiesSchema, clientListSchema, clientSchema, createClientSchema } from './schemas';

type ClientParams = { tenant: string; client: string };

/**
 * /admin/tenants/:tenant/clients (issue 13 §3), all under `clients:manage`: create, list, get,
 * rotate the secret, disable, enable, delete, and set authorities. Secrets are shown once, at
 * creation or rotation, with Cache-Control: no-store. A change takes effect on this replica at
 * once and on the others within the client cache's bound (ClientDirectory, CLIENT_CACHE_SECONDS).
 */
export function clientRoutes(app: FastifyInstance, ctx: AdminContext): void {
  const admin = (action: string) => ({ admin: { authority: 'clients:manage' as const, action, target: 'client' as const, targetParam: 'client' } });

  app.post<{ Params: { tenant: string }; Body: ClientRegistration }>(
    '/admin/tenants/:tenant/clients',
    { schema: createClientSchema, config: { admin: { authority: 'clients:manage', action: 'client.create', target: 'client' } } },
    async (request, reply) => {
      const tenant = request.params.tenant;
      checkAssignment(request, tenant, request.body.authorities ?? []);
      const { client, secret } = await ctx.provisioning.createClient(tenant, request.body, undefined, (clientId) => ctx.guard.event(request, 'success', clientId));
      // The only time the secret is shown, besides a rotation.
      return reply.code(201).header('cache-control', 'no-store').send({ ...describeClient(client), ...(secret === undefined ? {} : { client_secret: secret }) });
    },
  );

  app.get<{ Params: { tenant: string }; Querystring: { after?: string; limit: number } }>(
    '/admin/tenants/:tenant/clients',
    { schema: clientListSchema, config: { admin: { authority: 'clients:manage', action: 'client.list', target: 'client' } } },
    async (request) => {
      if (!(await ctx.store.findTenantProfile(request.params.tenant))) throw new TenantNotFound(request.params.tenant);
      const clients = await ctx.store.listClients(request.params.tenant, { after: request.query.after, limit: request.query.limit });
      await ctx.guard.record(request, 'success', null);
      const last = clients[clients.length - 1];
      return { clients: clients.map(describeClient), next_after: clients.length === request.query.limit && last ? last.clientId : null };
    },
  );

  app.get<{ Params: ClientParams }>('/admin/tenants/:tenant/clients/:client', { schema: clientSchema, config: admin('client.read') }, async (request) => {
    const client = await ctx.store.findClient(request.params.tenant, request.params.client);
    if (!client) throw new ClientNotFound(request.params.client);
    await ctx.guard.record(request, 'success', client.clientId);
    return describeClient(client);
  });

  app.post<{ Params: ClientParams }>('/admin/tenants/:tenant/clients/:client/secret', { schema: clientSchema, config: admin('client.secret_rotate') }, async (request, reply) => {
    const { tenant, client: clientId } = request.params;
    const { client, secret } = await ctx.provisioning.rotateClientSecret(tenant, clientId, ctx.guard.event(request, 'success', clientId));
    return reply.header('cache-control', 'no-store').send({ ...describeClient(client), client_secret: secret });
  });

  app.post<{ Params: ClientParams }>('/admin/tenants/:tenant/clients/:client/disable', { schema: clientSchema, config: admin('client.disable') }, async (request) => {
    const { tenant, client: clientId } = request.params;
    return describeClient(await ctx.provisioning.changeClient(tenant, clientId, { disabledAt: new Date() }, ctx.guard.event(request, 'success', clientId)));
  });

  app.post<{ Params: ClientParams }>('/admin/tenants/:tenant/clients/:client/enable', { schema: clientSchema, config: admin('client.enable') }, async (request) => {
    const { tenant, client: clientId } = request.params;
    return describeClient(await ctx.provisioning.changeClient(tenant, clientId, { disabledAt: null }, ctx.guard.event(request, 'success', clientId)));
  });

  app.put<{ Params: ClientParams; Body: { authorities: string[] } }>(
    '/admin/tenants/:tenant/clients/:client/authorities',
    { schema: { ...clientSchema, body: authoritiesSchema }, config: admin('client.authorities_update') },
    async (request) => {
      const { tenant, client: clientId } = request.params;
      checkAssignment(request, tenant, request.body.authorities);
      const authorities = [...new Set(request.body.authorities)];
      return describeClient(await ctx.provisioning.changeClient(tenant, clientId, { authorities }, ctx.guard.event(request, 'success', clientId)));
    },
  );

  app.delete<{ Params: ClientParams }>('/admin/tenants/:tenant/clients/:client', { schema: clientSchema, config: admin('client.delete') }, async (request, reply) => {
    const { tenant, client: clientId } = request.params;
    await ctx.provisioning.deleteClient(tenant, clientId, ctx.guard.event(request, 'success', clientId));
    return reply.code(204).send();
  });
}

/** Refuses handing out an authority the caller does not hold itself (or a malformed or misplaced one). */
export function checkAssignment(request: FastifyRequest, tenant: string, authorities: readonly string[]): void {
  const principal = request.adminPrincipal!;
  const refusal = assignmentRefusal(tenant, authorities, principal.authorities, principal.tenant);
  if (refusal !== undefined) throw new AdminForbidden('authorities', refusal);
}

/** What the admin API shows of a client: never its secret's hash. */
function describeClient(client: StoredClient) {
  return {
    client_id: client.clientId,
    token_endpoint_auth_method: client.authMethod,
    scope: client.scopes.join(' '),
    resources: client.resources,
    default_resource: client.defaultResource,
    access_token_ttl: client.accessTokenTtl,
    grant_types: client.grantTypes,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    authorities: client.authorities,
    status: client.disabledAt === null ? 'active' : 'disabled',
    created_at: client.createdAt.toISOString(),
    disabled_at: client.disabledAt?.toISOString() ?? null,
  };
}
