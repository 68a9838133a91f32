import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ClientRegistration } from '../clients/client-registration';
import { TenantNotFound } from '../errors/resource-errors';
import { RuntimeError } from '../errors/runtime-error';
import type { KeyRotation } from '../keys/key-rotation';
import type { IdentityStore, StoredSigningKey } from '../store/identity-store';
import type { IssuerUrls } from '../tenants/issuer-urls';
import type { UserDirectory } from '../users/user-directory';
import type { Provisioning } from '../tenants/provisioning';
import { isTenantId } from '../identifiers/tenant-id';
import type { AdminCredential } from './admin-credential';
import { createClientSchema, createTenantSchema, tenantSchema } from './schemas';
import { userRoutes } from './user-routes';

export interface AdminApiContext {
  credential: AdminCredential;
  provisioning: Provisioning;
  rotation: KeyRotation;
  store: IdentityStore;
  issuers: IssuerUrls;
  /** The tenants' end users; the /admin/tenants/:tenant/users routes exist when given. */
  users?: UserDirectory;
}

/**
 * The admin API: create tenants and clients, list and rotate a tenant's keys. Every route needs
 * `Authorization: Bearer <ADMIN_TOKEN>` (RFC 6750 §2.1), and every change is logged as an audit
 * event without secrets.
 */
export async function adminApi(app: FastifyInstance, ctx: AdminApiContext): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    const presented = header !== undefined && /^bearer /i.test(header) ? header.slice(7).trim() : undefined;
    if (presented === undefined) {
      // RFC 6750 §3.1: no error code when the request carried no credentials at all.
      return reply.code(401).header('www-authenticate', 'Bearer realm="brandstack-admin"').send({ error: 'unauthorized', error_description: 'admin bearer token required' });
    }
    if (!ctx.credential.matches(presented)) {
      request.log.warn({ event: 'admin.denied' }, 'admin request with a wrong token');
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="brandstack-admin", error="invalid_token"')
        .send({ error: 'invalid_token', error_description: 'the admin token is not valid' });
    }
    return undefined;
  });

  // Client errors (status below 500) answer with their code and description; everything else is
  // logged whole and answered with a generic server_error.
  app.setErrorHandler((error: FastifyError | RuntimeError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof RuntimeError) {
      if (error.status < 500) return reply.code(error.status).send({ error: error.code, error_description: error.description });
    } else if (error.validation) {
      // Ajv's message for an unknown member does not name it; the caller needs the name to fix the request.
      const unknown = error.validation.find((v) => v.keyword === 'additionalProperties')?.params['additionalProperty'];
      const description = typeof unknown === 'string' ? `${error.message}: "${unknown}" is not allowed` : error.message;
      return reply.code(400).send({ error: 'invalid_request', error_description: description });
    } else if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      // Fastify's own client errors (malformed JSON, wrong content type): its message is the description.
      return reply.code(error.statusCode).send({ error: 'invalid_request', error_description: error.message });
    }
    request.log.error({ err: error }, 'admin request failed');
    return reply.code(500).send({ error: 'server_error', error_description: 'the request could not be completed' });
  });

  app.post<{ Body: { tenant: string; display_name?: string } }>('/admin/tenants', { schema: createTenantSchema }, async (request, reply) => {
    const { tenant, display_name: displayName } = request.body;
    const keys = await ctx.provisioning.createTenant(tenant, { displayName });
    request.log.info({ event: 'tenant.created', tenant, active_kid: keys.active, next_kid: keys.next }, 'tenant created');
    return reply.code(201).send({ tenant, display_name: displayName === undefined ? tenant : displayName.normalize('NFC').trim(), issuer: ctx.issuers.issuer(tenant), keys });
  });

  app.post<{ Params: { tenant: string }; Body: ClientRegistration }>(
    '/admin/tenants/:tenant/clients',
    { schema: createClientSchema },
    async (request, reply) => {
      const tenant = checkedTenant(request.params.tenant);
      const { client, secret } = await ctx.provisioning.createClient(tenant, request.body);
      request.log.info({ event: 'client.created', tenant, client_id: client.clientId, auth_method: client.authMethod }, 'client created');
      // The only time the secret is ever shown.
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({
          client_id: client.clientId,
          ...(secret === undefined ? {} : { client_secret: secret }),
          token_endpoint_auth_method: client.authMethod,
          scope: client.scopes.join(' '),
          resources: client.resources,
          default_resource: client.defaultResource,
          access_token_ttl: client.accessTokenTtl,
          grant_types: client.grantTypes,
          redirect_uris: client.redirectUris,
          post_logout_redirect_uris: client.postLogoutRedirectUris,
        });
    },
  );

  if (ctx.users) userRoutes(app, ctx.users);

  app.get<{ Params: { tenant: string } }>('/admin/tenants/:tenant/keys', { schema: tenantSchema }, async (request) => {
    const tenant = checkedTenant(request.params.tenant);
    const keys = await ctx.store.findSigningKeys(tenant);
    if (!keys) throw new TenantNotFound(tenant);
    return { keys: keys.map(describeKey) };
  });

  app.post<{ Params: { tenant: string } }>('/admin/tenants/:tenant/keys/rotate', { schema: tenantSchema }, async (request) => {
    const tenant = checkedTenant(request.params.tenant);
    const keys = await ctx.rotation.rotate(tenant);
    request.log.info(
      { event: 'keys.rotated', tenant, active_kid: keys.find((k) => k.status === 'active')?.kid, next_kid: keys.find((k) => k.status === 'next')?.kid },
      'signing keys rotated',
    );
    return { keys: keys.map(describeKey) };
  });
}

function checkedTenant(tenant: string): string {
  if (!isTenantId(tenant)) throw new TenantNotFound(tenant);
  return tenant;
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
