import type { FastifyReply, FastifyRequest } from 'fastify';
import { buildAuditEvent, keyThumbprint, opaqueId } from '../audit/audit-event';
import type { AuditEventInput, AuditOutcome, AuditTargetType, UnchainedAuditEvent } from '../audit/audit-event';
import type { AuditJournal } from '../audit/audit-journal';
import { holds } from '../authorities/admin-authorities';
import type { RouteAuthority } from '../authorities/admin-authorities';
import { AuditFieldRefused } from '../audit/audit-errors';
import { AdminForbidden, AdminTokenInvalid } from '../errors/admin-errors';
import { PLATFORM_TENANT } from '../identifiers/platform';
import { isTenantId } from '../identifiers/tenant-id';
import type { AdminAuthenticator, AdminPrincipal } from './admin-authenticator';

/** What every admin route declares (issue 13 §2, §4): the authority it needs and what it audits. */
export interface AdminRouteConfig {
  authority: RouteAuthority;
  /** Dotted action of the audit event, e.g. `client.create`. */
  action: string;
  target: AuditTargetType;
  /** Path parameter naming the target, when there is one (`client`, `user`, `kid`). */
  targetParam?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    admin?: AdminRouteConfig;
  }
  interface FastifyRequest {
    adminPrincipal?: AdminPrincipal;
  }
}

export interface AdminGuardOptions {
  authenticator: AdminAuthenticator;
  journal: AuditJournal;
  clientIpOf: (request: FastifyRequest) => string;
  /** Whether a tenant exists (its keyring entry), for auditing unauthenticated attempts. */
  tenantExists: (tenantId: string) => Promise<boolean>;
}

/**
 * The admin API's gate, run before validation so a caller without the right learns nothing
 * from a 400: authenticate the token, then check the route's declared authority for the path's
 * tenant (or, without one, for platform-wide routes). A refusal for an identified caller is
 * recorded as a `denied` event in the tenant it tried to reach.
 */
export class AdminGuard {
  readonly #options: AdminGuardOptions;

  constructor(options: AdminGuardOptions) {
    this.#options = options;
  }

  onRequest = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const config = request.routeOptions.config.admin;
    if (!config) return;
    request.adminPrincipal = await this.#options.authenticator.authenticate(request.headers.authorization);
    await this.authorize(request, config.authority, pathTenant(request));
  };

  /** Throws AdminForbidden, after auditing the refusal, unless the caller holds `authority` in `tenant`. */
  async authorize(request: FastifyRequest, authority: RouteAuthority, tenant: string | undefined): Promise<void> {
    const principal = request.adminPrincipal!;
    if (holds(principal.authorities, principal.tenant, tenant, authority)) return;
    await this.record(request, 'denied', undefined);
    throw new AdminForbidden(authority, tenant === undefined ? `this call needs ${authority}` : `this call needs ${authority} in tenant ${tenant}`);
  }

  /** The request's audit event, for the change it makes (to pass to the store) or to record alone. */
  event(request: FastifyRequest, outcome: AuditOutcome, targetId: string | null | undefined, tenantOverride?: string): UnchainedAuditEvent {
    const config = request.routeOptions.config.admin!;
    const principal = request.adminPrincipal;
    const tenant = tenantOverride ?? pathTenant(request) ?? principal?.tenant ?? PLATFORM_TENANT;
    const id = targetId === undefined ? rawTarget(request, config) : targetId;
    return buildAuditEvent({
      tenant,
      actor: principal ? actorOf(principal, tenant) : { type: 'anonymous', clientId: null },
      action: config.action,
      target: targetOf(config.target, id, outcome),
      outcome,
      sourceIp: this.#options.clientIpOf(request) || null,
      requestId: request.id,
    });
  }

  /** Records the request's event in a transaction of its own: reads, refusals, failures. */
  async record(request: FastifyRequest, outcome: AuditOutcome, targetId: string | null | undefined, tenantOverride?: string): Promise<void> {
    await this.#options.journal.record(this.event(request, outcome, targetId, tenantOverride));
  }

  /**
   * After an error: a `failed` event for an identified, authorized caller. The change threw, so
   * its transaction rolled back the event that was to record it; this one says it was tried.
   * Best effort: the original error is what the caller gets.
   */
  async recordFailure(request: FastifyRequest, error: unknown): Promise<void> {
    if (!request.routeOptions.config.admin || error instanceof AdminForbidden) return;
    const log = (failure: unknown) => request.log.error({ err: failure }, 'recording a failed admin call in the audit trail failed');
    if (error instanceof AdminTokenInvalid) {
      // A caller nobody could identify, audited as `anonymous` in the tenant it tried when that
      // tenant exists (a made-up tenant gets no chain), else in the platform tenant.
      const tenant = pathTenant(request);
      const where = tenant !== undefined && (await this.#options.tenantExists(tenant).catch(() => false)) ? tenant : PLATFORM_TENANT;
      await this.record(request, 'denied', undefined, where).catch(log);
      return;
    }
    if (!request.adminPrincipal) return;
    await this.record(request, 'failed', undefined).catch(log);
  }
}

/** The path's tenant when it is one; an invalid one is treated as absent (the route answers 404). */
function pathTenant(request: FastifyRequest): string | undefined {
  const tenant = (request.params as { tenant?: unknown } | undefined)?.tenant;
  return typeof tenant === 'string' && isTenantId(tenant) ? tenant : undefined;
}

/**
 * A success names its target, checked (a malformed id there is a bug: AuditFieldRefused, 500).
 * A refusal or failure names what the caller sent only when it is a well-formed id; otherwise
 * null, so a junk path segment neither enters the trail nor turns a 403 into a 500.
 */
function targetOf(type: AuditTargetType, id: string | null, outcome: AuditOutcome): AuditEventInput['target'] {
  if (id === null) return { type, id: null } as AuditEventInput['target'];
  try {
    return type === 'key' ? { type, id: keyThumbprint(id) } : { type, id: opaqueId(id, 'target.id') };
  } catch (error) {
    if (outcome === 'success' || !(error instanceof AuditFieldRefused)) throw error;
    return { type, id: null } as AuditEventInput['target'];
  }
}

function rawTarget(request: FastifyRequest, config: AdminRouteConfig): string | null {
  const params = request.params as Record<string, unknown> | undefined;
  if (config.targetParam !== undefined) {
    const value = params?.[config.targetParam];
    return typeof value === 'string' ? value : null;
  }
  if (config.target === 'tenant' || config.target === 'policy' || config.target === 'audit_trail') return pathTenant(request) ?? null;
  return null;
}

/**
 * The actor, by opaque ids only. An actor from another tenant (a platform admin) is qualified
 * with its tenant, `platform:platform-admin`, so a tenant's trail never mistakes it for one of
 * its own clients.
 */
function actorOf(principal: AdminPrincipal, eventTenant: string): AuditEventInput['actor'] {
  const qualify = (id: string) => (principal.tenant === eventTenant ? id : `${principal.tenant}:${id}`);
  const clientId = opaqueId(qualify(principal.clientId), 'actor.client_id');
  return principal.userId === null ? { type: 'client', id: clientId } : { type: 'user', id: opaqueId(qualify(principal.userId), 'actor.id'), clientId };
}
