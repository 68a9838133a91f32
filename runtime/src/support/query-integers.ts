import type { FastifyRequest } from 'fastify';

const INTEGER = /^-?(?:0|[1-9][0-9]{0,15})$/;

/**
 * A query string carries only text, so `?limit=2` reaches validation as "2". The app turns Ajv's
 * type coercion off (bodies must have the types their schemas say, or be refused), so this
 * preValidation hook converts, for query parameters only, exactly the ones the route's schema
 * declares as integers and that are written as one; anything else stays text and fails
 * validation with the parameter's name.
 */
export async function coerceQueryIntegers(request: FastifyRequest): Promise<void> {
  const properties = (request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (!properties) return;
  const query = request.query as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    const value = query[name];
    if (property.type === 'integer' && typeof value === 'string' && INTEGER.test(value)) query[name] = Number(value);
  }
}
