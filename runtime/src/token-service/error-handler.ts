import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidClient, InvalidRequest, OAuthError, RequestTooLarge, ServerError } from '../errors/oauth-errors';
import { TenantNotFound } from '../errors/resource-errors';
import { RuntimeError } from '../errors/runtime-error';
import { isTenantId } from '../identifiers/tenant-id';
import type { TokenServiceContext } from './context';
import { TooManyAttempts } from './too-many-attempts';

/**
 * Every failure of the token service becomes an RFC 6749 §5.2 response: JSON
 * `{ error, error_description }` with the status the error code prescribes, and for
 * invalid_client a 401 with a WWW-Authenticate challenge. Fastify's own errors (body too large,
 * wrong content type, schema validation) are translated too, so no client ever sees a
 * framework-shaped error from an OAuth endpoint.
 *
 * The client reads `description`; the log line also carries `detail`, which only the operator
 * sees. Anything that is not an OAuth error (a RuntimeError of status 500, or an unexpected
 * throw) is answered as server_error and logged whole.
 */
export function oauthErrorHandler(ctx: TokenServiceContext) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void => {
    const tenantId = (request.params as { tenant?: string } | undefined)?.tenant;
    const endpoint = request.routeOptions.config.endpoint;

    if (error instanceof TenantNotFound) {
      if (endpoint) ctx.metrics.failures.inc({ endpoint, reason: error.code });
      // RFC 6749 §5.1/§5.2: no error of an OAuth endpoint is kept by a cache, this one included.
      reply
        .code(error.status)
        .header('cache-control', 'no-store')
        .header('pragma', 'no-cache')
        .send({ error: error.code, error_description: describe(error.description) });
      return;
    }

    const oauth = toOAuthError(error);
    if (oauth instanceof ServerError) {
      request.log.error({ err: error, tenant: tenantId, endpoint }, 'oauth request failed unexpectedly');
    } else {
      const clientId = (request.body as { client_id?: unknown } | undefined)?.client_id;
      request.log.warn(
        {
          tenant: tenantId,
          endpoint,
          reason: oauth.code,
          client_id: typeof clientId === 'string' ? clientId : undefined,
          description: oauth.description,
          detail: oauth.detail,
        },
        'oauth request rejected',
      );
    }
    if (endpoint) ctx.metrics.failures.inc({ endpoint, reason: oauth.code });

    if (oauth instanceof InvalidClient) {
      // RFC 6749 §5.2 / RFC 7617 §2: the challenge of the scheme clients authenticate with.
      const realm = tenantId !== undefined && isTenantId(tenantId) ? ctx.issuers.issuer(tenantId) : ctx.issuers.base;
      reply.header('www-authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    }
    if (oauth instanceof TooManyAttempts) reply.header('retry-after', String(oauth.retryAfterSeconds));
    // RFC 6749 §5.1 asks for no-store on token responses; errors get it too so no cache keeps them.
    reply
      .code(oauth.status)
      .header('cache-control', 'no-store')
      .header('pragma', 'no-cache')
      .send({ error: oauth.code, error_description: describe(oauth.description) });
  };
}

/** The OAuth error to answer with; decided on classes and Fastify's error codes, never on messages. */
function toOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error;
  // Ours but not an OAuth answer: an operator's error (status 500), never shown as such.
  if (error instanceof RuntimeError) return new ServerError();
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) return new InvalidRequest(validationMessage(fastifyError));
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestTooLarge('the request body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_TYPE':
      // RFC 6749 §4.4.2: the body is application/x-www-form-urlencoded.
      return new InvalidRequest('the request body must be application/x-www-form-urlencoded');
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new InvalidRequest('the request is malformed');
  }
  return new ServerError();
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'the request is malformed';
  if (first.keyword === 'required') return `missing required parameter '${String(first.params.missingProperty)}'`;
  if (first.instancePath === '' && error.validationContext === 'body') {
    return 'the request body must be application/x-www-form-urlencoded';
  }
  return `parameter '${first.instancePath.replace(/^\//, '')}' ${first.message ?? 'is invalid'}`;
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
function describe(description: string): string {
  return description.replace(/§/g, 'section ').replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, "'");
}
