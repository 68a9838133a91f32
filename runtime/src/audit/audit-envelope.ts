import { isIP } from 'node:net';
import type { EventEnvelope } from '../events/event-envelope';
import type { SequencedAuditEvent } from './audit-chain';
import { InvalidAuditEnvelope } from './audit-errors';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, AUDIT_TARGET_TYPES, isAuditTime, keyThumbprint, refusePersonalData } from './audit-event';
import type { AuditEvent, AuditTargetType } from './audit-event';

/**
 * The outbox envelope of a stored audit event: its id is the event's (consumers deduplicate by
 * it), and the payload carries the event and its sequence, from which the read side orders and
 * verifies the chain. Written in the transaction of the append (PostgresAuditStore.append(event, tx)).
 */
export function auditEnvelope(record: SequencedAuditEvent): EventEnvelope {
  const { event } = record;
  return { id: event.id, kind: 'audit', tenant: event.tenant, action: event.action, time: event.time, payload: { sequence: record.sequence, event } };
}

const EVENT_MEMBERS = ['action', 'actor', 'hash', 'id', 'outcome', 'previous_hash', 'request_id', 'source_ip', 'target', 'tenant', 'time'];
const HEX_256 = /^[0-9a-f]{64}$/;

/**
 * The audit writer's side: reads a consumed envelope back into a record, member by member,
 * refusing anything else (an unknown member, a wrong type, a value that looks like personal
 * data), so not even a forged message can put more into `audit_trail` than the builder could.
 */
export function auditRecordFromEnvelope(envelope: EventEnvelope): SequencedAuditEvent {
  const payload = envelope.payload as { sequence?: unknown; event?: unknown };
  exactMembers('payload', payload, ['event', 'sequence']);
  if (!Number.isSafeInteger(payload.sequence) || (payload.sequence as number) < 1) throw new InvalidAuditEnvelope('payload.sequence', 'is not a positive integer');
  const event = payload.event as Record<string, unknown>;
  exactMembers('payload.event', event, EVENT_MEMBERS);
  const actor = event['actor'] as Record<string, unknown>;
  const target = event['target'] as Record<string, unknown>;
  exactMembers('payload.event.actor', actor, ['client_id', 'id', 'type']);
  exactMembers('payload.event.target', target, ['id', 'type']);
  const text = (member: string, value: unknown, nullable: boolean): string | null => {
    if (value === null && nullable) return null;
    if (typeof value !== 'string' || value.length === 0 || value.length > 128) throw new InvalidAuditEnvelope(member, 'is not a string of 1-128 characters');
    try {
      refusePersonalData(member, value);
    } catch {
      throw new InvalidAuditEnvelope(member, 'looks like personal data or a credential');
    }
    return value;
  };
  const oneOf = <T extends string>(member: string, value: unknown, allowed: readonly T[]): T => {
    if (!(allowed as readonly unknown[]).includes(value)) throw new InvalidAuditEnvelope(member, `is not one of ${allowed.join(', ')}`);
    return value as T;
  };
  const hex = (member: string, value: unknown): string => {
    if (typeof value !== 'string' || !HEX_256.test(value)) throw new InvalidAuditEnvelope(member, 'is not a lower-case hex SHA-256');
    return value;
  };
  const time = event['time'];
  if (typeof time !== 'string' || !isAuditTime(time)) throw new InvalidAuditEnvelope('payload.event.time', 'is not an ISO 8601 UTC time with milliseconds');
  const record: AuditEvent = {
    id: text('payload.event.id', event['id'], false)!,
    time,
    tenant: text('payload.event.tenant', event['tenant'], false)!,
    actor: { type: oneOf('payload.event.actor.type', actor['type'], AUDIT_ACTOR_TYPES), id: text('payload.event.actor.id', actor['id'], true), client_id: text('payload.event.actor.client_id', actor['client_id'], true) },
    action: text('payload.event.action', event['action'], false)!,
    target: targetOf(target, text),
    outcome: oneOf('payload.event.outcome', event['outcome'], AUDIT_OUTCOMES),
    source_ip: ipAddress(event['source_ip']),
    request_id: text('payload.event.request_id', event['request_id'], true),
    hash: hex('payload.event.hash', event['hash']),
    previous_hash: hex('payload.event.previous_hash', event['previous_hash']),
  };
  if (envelope.kind !== 'audit') throw new InvalidAuditEnvelope('kind', 'is not "audit"');
  if (envelope.id !== record.id) throw new InvalidAuditEnvelope('id', 'differs from payload.event.id');
  if (envelope.tenant !== record.tenant) throw new InvalidAuditEnvelope('tenant', 'differs from payload.event.tenant');
  if (envelope.action !== record.action) throw new InvalidAuditEnvelope('action', 'differs from payload.event.action');
  return { sequence: payload.sequence as number, event: record };
}

function targetOf(target: Record<string, unknown>, text: (member: string, value: unknown, nullable: boolean) => string | null): AuditEvent['target'] {
  const type = target['type'];
  if (!(AUDIT_TARGET_TYPES as readonly unknown[]).includes(type)) throw new InvalidAuditEnvelope('payload.event.target.type', `is not one of ${AUDIT_TARGET_TYPES.join(', ')}`);
  // A kid is a thumbprint, shaped like a secret: checked for that shape, as the builder does.
  if (type !== 'key' || target['id'] === null) return { type: type as AuditTargetType, id: text('payload.event.target.id', target['id'], true) };
  try {
    return { type: 'key', id: keyThumbprint(target['id'] as string) };
  } catch {
    throw new InvalidAuditEnvelope('payload.event.target.id', 'is not an RFC 7638 thumbprint');
  }
}

function ipAddress(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string' || isIP(value) === 0) throw new InvalidAuditEnvelope('payload.event.source_ip', 'is not an IPv4 or IPv6 address');
  return value;
}

function exactMembers(member: string, value: unknown, allowed: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidAuditEnvelope(member, 'is not an object');
  const names = Object.keys(value).sort();
  const unknown = names.find((name) => !allowed.includes(name));
  if (unknown !== undefined) throw new InvalidAuditEnvelope(`${member}.${unknown}`, 'is not an audit event member');
  const missing = allowed.find((name) => !names.includes(name));
  if (missing !== undefined) throw new InvalidAuditEnvelope(`${member}.${missing}`, 'is missing');
}
