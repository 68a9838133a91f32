import type { FastifyRequest } from 'fastify';
import { buildAuditEvent, opaqueId } from '../audit/audit-event';
import type { AuditOutcome, UnchainedAuditEvent } from '../audit/audit-event';
import type { TokenServiceContext } from './context';

/**
 * The audit event of a client account's privileged action on the OAuth endpoints (issue 13 §4):
 * introspecting or revoking a token. The target is the token's jti, and only for a token this
 * tenant signed; whatever else was sent as `token` never enters the trail.
 */
export function clientAccountEvent(
  request: FastifyRequest,
  ctx: Pick<TokenServiceContext, 'clientIpOf'>,
  tenantId: string,
  clientId: string,
  action: 'token.introspect' | 'token.revoke',
  jti: string | null,
  outcome: AuditOutcome,
): UnchainedAuditEvent {
  return buildAuditEvent({
    tenant: tenantId,
    actor: { type: 'client', id: opaqueId(clientId, 'actor.id') },
    action,
    target: { type: 'token', id: jti === null ? null : opaqueId(jti, 'target.id') },
    outcome,
    sourceIp: ctx.clientIpOf(request) || null,
    requestId: request.id,
  });
}
