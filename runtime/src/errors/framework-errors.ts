import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** The framework errors the router raises before any route (and so any plugin's error handler) is chosen. */
const ROUTER_ERRORS: Readonly<Record<string, string>> = {
  // app.ts sets routerOptions.maxParamLength: tenant and client ids are far shorter.
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is longer than any tenant or client id',
  FST_ERR_BAD_URL: 'the request path is not validly percent-encoded',
};

/**
 * Fastify's `frameworkErrors` option: errors the router raises before a route is matched would
 * otherwise be answered in Fastify's own shape (`{ error: 'Bad Request', code: 'FST_ERR_…' }`,
 * echoing the path). The token endpoints sit under those paths, so the answer is an RFC 6749
 * §5.2 error: 400 invalid_request with a fixed description, and not cacheable (§5.1).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const description = ROUTER_ERRORS[error.code] ?? 'the request is malformed';
  request.log.warn({ reason: error.code, path_length: request.url.length }, 'request refused by the router');
  reply
    .code(400)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .send({ error: 'invalid_request', error_description: description });
}
