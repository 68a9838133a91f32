import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditRoutes } from '../audit/audit-routes';
import { AdminTokenInvalid } from '../errors/admin-errors';
import { TenantNotFound } from '../errors/resource-errors';
import { RuntimeError } from '../errors/runtime-error';
import { isTenantId } from '../identifiers/tenant-id';
import type { AdminApiOptions, AdminContext } from './admin-context';
import { AdminGuard } from './admin-guard';
import { clientRoutes } from './client-routes';
import { keyRoutes } from './key-routes';
import { AdminOpenApi } from './openapi';
import { tenantRoutes } from './tenant-routes';
import { userRoutes } from './user-routes';

/**
 * The admin API (issue 13): OAuth 2.0 only. Every route but the OpenAPI document needs an access
 * token of this runtime for the admin API (AdminAuthenticator) and declares the authority it
 * needs (AdminRouteConfig); the guard checks both before the request is validated. Every call
 * by an identified caller leaves exactly one audit event: with the change, in its transaction
 * (success), alone (reads), or after a refusal (denied) or an error (failed).
 */
export async function adminApi(app: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const guard = new AdminGuard({
    authenticator: options.authenticator,
    journal: options.store.journal,
    clientIpOf: options.clientIpOf,
    tenantExists: async (tenantId) => (await options.store.findTenantProfile(tenantId)) !== undefined,
  });
  const ctx: AdminContext = { ...options, guard };
  const openApi = new AdminOpenApi();
  app.addHook('onRoute', (route) => openApi.add(route));

  app.addHook('onRequest', async (request, reply) => {
    await guard.onRequest(request, reply);
    // A malformed tenant id names no tenant: a caller allowed this far is told so (404), before
    // any validation or store sees the id.
    const tenant = (request.params as { tenant?: unknown } | undefined)?.tenant;
    if (typeof tenant === 'string' && !isTenantId(tenant) && request.routeOptions.config.admin) throw new TenantNotFound(tenant.slice(0, 64));
  });

  app.setErrorHandler(async (error: FastifyError | RuntimeError, request: FastifyRequest, reply: FastifyReply) => {
    await guard.recordFailure(request, error);
    if (error instanceof AdminTokenInvalid) {
      request.log.warn({ event: 'admin.denied', detail: error.detail }, 'admin request with an unusable token');
      // RFC 6750 §3.1: no error code when the request carried no credentials at all.
      const header = request.headers.authorization === undefined ? 'Bearer realm="brandstack-admin"' : 'Bearer realm="brandstack-admin", error="invalid_token"';
      return reply.code(401).header('www-authenticate', header).send({ error: request.headers.authorization === undefined ? 'unauthorized' : 'invalid_token', error_description: error.description });
    }
    if (error instanceof RuntimeError) {
      if (error.status === 403) {
        reply.header('www-authenticate', `Bearer realm="brandstack-admin", error="insufficient_scope"`);
      }
      if (error.status < 500) return reply.code(error.status).send({ error: error.code, error_description: error.description });
      // Unavailable, not broken: a customer key disabled or unreachable (issue 14 §5). The
      // operator calling the admin API is told which tenant and why; nothing was written.
      if (error.status === 503) {
        request.log.error({ err: error }, 'admin request refused: a key is unavailable');
        return reply.code(503).header('retry-after', '30').send({ error: error.code, error_description: error.description });
      }
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

  tenantRoutes(app, ctx);
  clientRoutes(app, ctx);
  userRoutes(app, ctx.users, ctx);
  keyRoutes(app, ctx);
  await app.register(auditRoutes, {
    auditStore: ctx.auditReader,
    routeConfig: {
      query: { admin: { authority: 'audit:read', action: 'audit.read', target: 'audit_trail' } },
      verify: { admin: { authority: 'audit:read', action: 'audit.verify', target: 'audit_trail' } },
    },
    onRead: (request) => guard.record(request, 'success', undefined),
    onError: (request, error) => guard.recordFailure(request, error),
  });

  // The OpenAPI 3.1 document of these routes, built from the schemas Fastify validates with.
  app.get('/admin/openapi.json', async (_request, reply) => reply.header('cache-control', 'no-cache').send(openApi.document()));
}
