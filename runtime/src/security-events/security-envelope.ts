import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { EventEnvelope } from '../events/event-envelope';
import { isTenantId } from '../identifiers/tenant-id';
import { eventMessage } from './event-message';
import type { SecurityEvent } from './security-notifier';

/** `security.<tenant>.ip.blocked`: the routing key's action for an IP block. */
export const IP_BLOCKED_ACTION = 'ip.blocked';

/**
 * The backbone form of a security event (issue 13 §7): kind `security`, routing key
 * `security.<tenant>.ip.blocked`, the payload its wire form (event-message.ts), which names the
 * blocked IP and counts accounts, never naming one.
 */
export function securityEnvelope(event: SecurityEvent, newId: () => string = randomUUID): EventEnvelope {
  return { id: newId(), kind: 'security', tenant: event.tenantId, action: IP_BLOCKED_ACTION, time: event.at.toISOString(), payload: eventMessage(event) };
}

/** Why a consumed envelope is not a security event this runtime understands; the consumer drops it. */
export class InvalidSecurityEnvelope extends Error {
  constructor(readonly member: string, reason: string) {
    super(`security event ${member} ${reason}`);
  }
}

/** The notifier consumer's side: reads a consumed envelope back into the event, member by member. */
export function securityEventFromEnvelope(envelope: EventEnvelope): SecurityEvent {
  if (envelope.kind !== 'security') throw new InvalidSecurityEnvelope('kind', 'is not "security"');
  if (envelope.action !== IP_BLOCKED_ACTION) throw new InvalidSecurityEnvelope('action', `is not "${IP_BLOCKED_ACTION}"`);
  const p = envelope.payload as Record<string, unknown>;
  if (typeof p !== 'object' || p === null) throw new InvalidSecurityEnvelope('payload', 'is not an object');
  const tenant = p['tenant'];
  if (typeof tenant !== 'string' || !isTenantId(tenant) || tenant !== envelope.tenant) throw new InvalidSecurityEnvelope('payload.tenant', 'is not the envelope tenant');
  const ip = p['ip'];
  if (typeof ip !== 'string' || isIP(ip) === 0) throw new InvalidSecurityEnvelope('payload.ip', 'is not an IP address');
  const count = (member: string): number => {
    const value = p[member];
    if (!Number.isSafeInteger(value) || (value as number) < 0) throw new InvalidSecurityEnvelope(`payload.${member}`, 'is not a non-negative integer');
    return value as number;
  };
  const at = new Date(typeof p['at'] === 'string' ? p['at'] : Number.NaN);
  if (Number.isNaN(at.getTime())) throw new InvalidSecurityEnvelope('payload.at', 'is not an ISO 8601 time');
  if (p['type'] !== 'ip_blocked') throw new InvalidSecurityEnvelope('payload.type', 'is not "ip_blocked"');
  return { type: 'ip_blocked', tenantId: tenant, ip, failures: count('failures'), blockSeconds: count('block_seconds'), at, distinctAccounts: count('distinct_accounts') };
}
