import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RuntimeError } from '../errors/runtime-error';
import { TENANT_ID } from '../identifiers/tenant-id';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, AUDIT_TARGET_TYPES } from './audit-event';
import { InvalidAuditQuery } from './audit-errors';
import { MAX_AUDIT_PAGE } from './audit-store';
import type { AuditStore } from './audit-store';

/**
 * Decides whether a request may read `tenant`'s audit trail (`audit:read` in its own tenant,
 * `platform:admin` anywhere: issue 13 §2). Resolves to allow; throws a {@link RuntimeError}
 * (401 or 403, with its code and description) to refuse. It runs before the parameters are
 * validated, so a caller without a credential learns nothing from a 400; `tenant` is the raw
 * path segment.
 */
export type AuditReadCheck = (request: FastifyRequest, tenant: string) => Promise<void>;

export interface AuditRoutesOptions {
  /** The chain of record, or the MongoDB read side: both answer query and verify. */
  auditStore: Pick<AuditStore, 'query' | 'verify'>;
  /** @default none: the enclosing plugin's hooks decide (the admin API's guard) */
  checkCredential?: AuditReadCheck;
  /** Route config of the two routes (the admin API declares authority and audit action there). */
  routeConfig?: { query?: Record<string, unknown>; verify?: Record<string, unknown> };
  /** Called after a successful read, before answering: the admin API records the read. */
  onRead?: (request: FastifyRequest) => Promise<void>;
  /** Called first with every error: the admin API records a failed call. */
  onError?: (request: FastifyRequest, error: unknown) => Promise<void>;
}

/** @default page size when `limit` is left out */
export const DEFAULT_AUDIT_PAGE = 100;

const tenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', maxLength: 63, pattern: TENANT_ID.source } },
} as const;

const eventSchema = {
  type: 'object',
  required: ['id', 'time', 'tenant', 'actor', 'action', 'target', 'outcome', 'source_ip', 'request_id', 'hash', 'previous_hash'],
  additionalProperties: false,
  properties: {
    id: { type: 'string' },
    time: { type: 'string', format: 'date-time' },
    tenant: { type: 'string' },
    actor: {
      type: 'object',
      required: ['type', 'id', 'client_id'],
      additionalProperties: false,
      properties: { type: { type: 'string', enum: [...AUDIT_ACTOR_TYPES] }, id: { type: ['string', 'null'] }, client_id: { type: ['string', 'null'] } },
    },
    action: { type: 'string' },
    target: {
      type: 'object',
      required: ['type', 'id'],
      additionalProperties: false,
      properties: { type: { type: 'string', enum: [...AUDIT_TARGET_TYPES] }, id: { type: ['string', 'null'] } },
    },
    outcome: { type: 'string', enum: [...AUDIT_OUTCOMES] },
    source_ip: { type: ['string', 'null'] },
    request_id: { type: ['string', 'null'] },
    hash: { type: 'string' },
    previous_hash: { type: 'string' },
  },
} as const;

export const auditQuerySchema = {
  params: tenantParams,
  querystring: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
      cursor: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' },
      limit: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_PAGE, default: DEFAULT_AUDIT_PAGE },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['events', 'next_cursor'],
      additionalProperties: false,
      properties: { events: { type: 'array', items: eventSchema }, next_cursor: { type: ['string', 'null'] } },
    },
  },
} as const;

export const auditVerifySchema = {
  params: tenantParams,
  response: {
    200: {
      type: 'object',
      required: ['ok'],
      additionalProperties: false,
      properties: {
        ok: { type: 'boolean' },
        events: { type: 'integer' },
        brokenAt: {
          type: 'object',
          required: ['sequence', 'id'],
          additionalProperties: false,
          properties: { sequence: { type: 'integer' }, id: { type: ['string', 'null'] } },
        },
        reason: { type: 'string' },
        description: { type: 'string' },
      },
    },
  },
} as const;

/**
 * The audit API (issue 13 §4), a Fastify plugin with its own schemas and error handler:
 * - `GET /admin/tenants/:tenant/audit?from&to&cursor&limit`: the tenant's events in chain order,
 *   `from` inclusive, `to` exclusive (RFC 3339 date-times), and `next_cursor` for the next page.
 * - `GET /admin/tenants/:tenant/audit/verify`: recomputes the hash chain; `ok: false` names the
 *   first broken link (200 either way: the verification itself succeeded).
 */
export async function auditRoutes(app: FastifyInstance, options: AuditRoutesOptions): Promise<void> {
  const checkCredential = options.checkCredential;
  if (checkCredential) {
    app.addHook('onRequest', async (request) => {
      await checkCredential(request, (request.params as { tenant?: string }).tenant ?? '');
    });
  }

  app.setErrorHandler(async (error: FastifyError | RuntimeError, request: FastifyRequest, reply: FastifyReply) => {
    await options.onError?.(request, error);
    if (error instanceof RuntimeError) {
      // RFC 6750 §3: a refused bearer token is answered with its challenge.
      if (error.status === 401) reply.header('www-authenticate', 'Bearer realm="brandstack-admin", error="invalid_token"');
      if (error.status === 403) reply.header('www-authenticate', 'Bearer realm="brandstack-admin", error="insufficient_scope"');
      if (error.status < 500) return reply.code(error.status).send({ error: error.code, error_description: error.description });
    } else if (error.validation) {
      // Name the parameter and what it accepts: Ajv's own message leaves the culprit implicit.
      const failure = error.validation[0];
      const name = failure?.instancePath.replace(/^\//, '') ?? '';
      return reply.code(400).send({ error: 'invalid_request', error_description: describeInvalid(error.validationContext ?? '', name) });
    } else if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'invalid_request', error_description: error.message });
    }
    request.log.error({ err: error }, 'audit request failed');
    return reply.code(500).send({ error: 'server_error', error_description: 'the request could not be completed' });
  });

  app.get<{ Params: { tenant: string }; Querystring: { from?: string; to?: string; cursor?: string; limit: number } }>(
    '/admin/tenants/:tenant/audit',
    {
      schema: auditQuerySchema,
      config: options.routeConfig?.query ?? {},
      // Fastify's Ajv drops unknown members (removeAdditional) instead of refusing them; a
      // misspelt `form=` silently widening the range is worse than a 400 naming it.
      preValidation: async (request) => {
        const unknown = Object.keys(request.query as object).find((name) => !AUDIT_QUERY_PARAMETERS.includes(name));
        if (unknown !== undefined) throw new InvalidAuditQuery(unknown, `unknown query parameter "${unknown}"; allowed: ${AUDIT_QUERY_PARAMETERS.join(', ')}`);
      },
    },
    async (request) => {
      const { from, to, cursor, limit } = request.query;
      const page = await options.auditStore.query(request.params.tenant, {
        limit,
        ...(from === undefined ? {} : { from: new Date(from) }),
        ...(to === undefined ? {} : { to: new Date(to) }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      await options.onRead?.(request);
      return page;
    },
  );

  app.get<{ Params: { tenant: string } }>(
    '/admin/tenants/:tenant/audit/verify',
    { schema: auditVerifySchema, config: options.routeConfig?.verify ?? {} },
    async (request) => {
      const verification = await options.auditStore.verify(request.params.tenant);
      await options.onRead?.(request);
      return verification;
    },
  );
}

const AUDIT_QUERY_PARAMETERS = ['from', 'to', 'cursor', 'limit'];

const ALLOWED: Record<string, string> = {
  tenant: 'a tenant id (lower-case letters, digits and hyphens, at most 63)',
  from: 'an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z',
  to: 'an RFC 3339 date-time, e.g. 2026-12-01T00:00:00Z',
  cursor: 'the next_cursor of a previous page',
  limit: `an integer from 1 to ${MAX_AUDIT_PAGE}`,
};

function describeInvalid(context: string, name: string): string {
  const where = context === 'params' ? 'path parameter' : 'query parameter';
  return `${where} "${name}" must be ${ALLOWED[name] ?? 'valid'}`;
}
