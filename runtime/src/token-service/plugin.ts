import type { FastifyInstance } from 'fastify';
import { parseFormBody } from '../oauth/form-body';
import type { TokenServiceContext } from './context';
import { discoveryRoutes } from './discovery-routes';
import { oauthErrorHandler } from './error-handler';
import { introspectionRoute } from './introspection-route';
import { revocationRoute } from './revocation-route';
import { tokenRoute } from './token-route';
import { userinfoRoute } from './userinfo-route';

/** RFC 8707 §2: `resource` may be given several times; nothing else may (RFC 6749 §3.2). */
const REPEATABLE = new Set(['resource']);

/**
 * The per-tenant OAuth 2.0 authorization server: metadata, JWKS, token, introspection and
 * revocation endpoints. An encapsulated Fastify plugin: its body parser and error handler apply
 * to its own routes only, so the admin API keeps JSON.
 */
export async function tokenService(app: FastifyInstance, ctx: TokenServiceContext): Promise<void> {
  // RFC 6749 §4.4.2, RFC 7662 §2.1, RFC 7009 §2.1: form-encoded bodies only.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: ctx.bodyLimitBytes }, (_request, body, done) => {
    try {
      done(null, parseFormBody(body as string, REPEATABLE));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.setErrorHandler(oauthErrorHandler(ctx));
  // A POST without a body has no parameters; let validation name the missing one.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined || request.body === null) request.body = {};
    done();
  });

  app.addHook('onResponse', (request, reply, done) => {
    const endpoint = request.routeOptions.config.endpoint;
    if (endpoint) {
      ctx.metrics.latency.observe({ endpoint, outcome: reply.statusCode < 400 ? 'success' : 'error' }, reply.elapsedTime / 1000);
    }
    done();
  });

  discoveryRoutes(app, ctx);
  tokenRoute(app, ctx);
  introspectionRoute(app, ctx);
  revocationRoute(app, ctx);
  userinfoRoute(app, ctx);
}
