import type { RouteOptions } from 'fastify';

interface CollectedRoute {
  method: string;
  path: string;
  schema: Record<string, unknown>;
  authority: string | undefined;
  action: string | undefined;
}

/**
 * The admin API's OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0), built from the
 * routes as Fastify registers them (onRoute): each operation's parameters, request body and
 * responses are the very JSON Schemas Fastify validates with (OpenAPI 3.1 Schema Objects are
 * JSON Schema 2020-12 supersets), so the document cannot drift from what the API enforces.
 * `x-brandstack-authority` names the authority each operation needs.
 */
export class AdminOpenApi {
  readonly #routes: CollectedRoute[] = [];

  add(route: RouteOptions): void {
    if (!route.url.startsWith('/admin/') || route.url === '/admin/openapi.json') return;
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    const admin = (route.config as { admin?: { authority?: string; action?: string } } | undefined)?.admin;
    for (const method of methods) {
      this.#routes.push({ method: method.toLowerCase(), path: route.url, schema: (route.schema ?? {}) as Record<string, unknown>, authority: admin?.authority, action: admin?.action });
    }
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const route of this.#routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation: Record<string, unknown> = {
        operationId: route.action ?? `${route.method}${path}`,
        security: [{ oauth2: [] }],
        parameters: [...parameters(route.schema['params'], 'path'), ...parameters(route.schema['querystring'], 'query')],
        responses: responses(route.schema['response']),
      };
      if (route.authority !== undefined) operation['x-brandstack-authority'] = route.authority;
      if (route.schema['body'] !== undefined) operation['requestBody'] = { required: true, content: { 'application/json': { schema: route.schema['body'] } } };
      (paths[path] ??= {})[route.method] = operation;
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'brandstack admin API',
        version: '1',
        description: 'Access tokens of this runtime for the audience urn:brandstack:admin (client_credentials at <issuer>/token); each operation needs the authority in x-brandstack-authority.',
      },
      components: {
        securitySchemes: {
          // RFC 6749 §4.4; the token URL is per tenant: <base>/t/<tenant>/token.
          oauth2: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: '/t/platform/token', scopes: {} } } },
        },
      },
      paths,
    };
  }
}

function parameters(schema: unknown, location: 'path' | 'query'): Record<string, unknown>[] {
  const object = schema as { properties?: Record<string, unknown>; required?: string[] } | undefined;
  if (!object?.properties) return [];
  return Object.entries(object.properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (object.required ?? []).includes(name),
    schema: property,
  }));
}

function responses(schema: unknown): Record<string, unknown> {
  const byStatus = schema as Record<string, unknown> | undefined;
  const documented: Record<string, unknown> = {};
  for (const [status, body] of Object.entries(byStatus ?? {})) documented[status] = { description: `HTTP ${status}`, content: { 'application/json': { schema: body } } };
  return {
    ...(Object.keys(documented).length > 0 ? documented : { '2XX': { description: 'success' } }),
    '400': { description: 'invalid_request: a parameter or member named in error_description' },
    '401': { description: 'invalid_token (RFC 6750 §3.1)' },
    '403': { description: 'insufficient_authority: the route needs x-brandstack-authority in this tenant; the refusal is audited' },
    '404': { description: 'tenant_not_found, client_not_found, user_not_found or key_not_found' },
  };
}
