import { chainAuditEvent, genesisHash } from '../../../runtime/src/audit/audit-chain';
import { auditEnvelope, auditRecordFromEnvelope } from '../../../runtime/src/audit/audit-envelope';
import { InvalidAuditEnvelope } from '../../../runtime/src/audit/audit-errors';
import { buildAuditEvent, keyThumbprint, opaqueId } from '../../../runtime/src/audit/audit-event';
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import { routingKey } from '../../../runtime/src/events/event-envelope';

const record = {
  sequence: 4,
  event: chainAuditEvent(
    buildAuditEvent({ tenant: 'acme', actor: { type: 'anonymous', clientId: null }, action: 'token.introspected', target: { type: 'token', id: opaqueId('jti-5d1c') }, outcome: 'denied', sourceIp: '198.51.100.4', requestId: null }),
    genesisHash('acme'),
  ),
};

/** What the writer receives: the envelope after a trip through JSON on the broker. */
const overTheWire = (envelope: EventEnvelope): EventEnvelope => JSON.parse(JSON.stringify(envelope));

function refusedMember(envelope: EventEnvelope): string {
  try {
    auditRecordFromEnvelope(envelope);
  } catch (error) {
    if (error instanceof InvalidAuditEnvelope) return error.member;
    throw error;
  }
  throw new Error('expected InvalidAuditEnvelope');
}

describe('audit envelopes', () => {
  it('carry the event under its own id, routed as audit.<tenant>.<action>, and read back unchanged', () => {
    const envelope = auditEnvelope(record);
    expect(envelope).toMatchObject({ id: record.event.id, kind: 'audit', tenant: 'acme', action: 'token.introspected', time: record.event.time });
    expect(routingKey(envelope)).toBe('audit.acme.token.introspected');
    expect(auditRecordFromEnvelope(overTheWire(envelope))).toEqual(record);
  });

  it('read back key events, whose kid is a thumbprint', () => {
    const keyRecord = {
      sequence: 1,
      event: chainAuditEvent(
        buildAuditEvent({ tenant: 'acme', actor: { type: 'client', id: opaqueId('acme-admin') }, action: 'key.revoked', target: { type: 'key', id: keyThumbprint('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs') }, outcome: 'success', sourceIp: null, requestId: 'req-9' }),
        genesisHash('acme'),
      ),
    };
    expect(auditRecordFromEnvelope(overTheWire(auditEnvelope(keyRecord)))).toEqual(keyRecord);
    const forged = overTheWire(auditEnvelope(keyRecord));
    ((forged.payload['event'] as Record<string, unknown>)['target'] as Record<string, unknown>)['id'] = 'jane@example.com';
    expect(refusedMember(forged)).toBe('payload.event.target.id');
  });

  it('refuse any member outside the event, naming it', () => {
    const envelope = overTheWire(auditEnvelope(record));
    (envelope.payload['event'] as Record<string, unknown>)['email'] = 'jane@example.com';
    expect(refusedMember(envelope)).toBe('payload.event.email');
    const nested = overTheWire(auditEnvelope(record));
    ((nested.payload['event'] as Record<string, unknown>)['actor'] as Record<string, unknown>)['name'] = 'Jane Doe';
    expect(refusedMember(nested)).toBe('payload.event.actor.name');
  });

  it('refuse personal data, wrong types and mismatches with the envelope, naming the member', () => {
    const withTarget = (id: unknown) => {
      const envelope = overTheWire(auditEnvelope(record));
      ((envelope.payload['event'] as Record<string, unknown>)['target'] as Record<string, unknown>)['id'] = id;
      return envelope;
    };
    expect(refusedMember(withTarget('jane@example.com'))).toBe('payload.event.target.id');
    expect(refusedMember(withTarget('eyJhbGciOiJIUzI1NiJ9.e30.c2ln'))).toBe('payload.event.target.id');
    expect(refusedMember(withTarget(42))).toBe('payload.event.target.id');
    const withIp = overTheWire(auditEnvelope(record));
    (withIp.payload['event'] as Record<string, unknown>)['source_ip'] = '+44 20 7946 0958';
    expect(refusedMember(withIp)).toBe('payload.event.source_ip');
    expect(refusedMember({ ...overTheWire(auditEnvelope(record)), id: 'another' })).toBe('id');
    expect(refusedMember({ ...overTheWire(auditEnvelope(record)), payload: { sequence: 0, event: record.event } })).toBe('payload.sequence');
    expect(refusedMember({ ...overTheWire(auditEnvelope(record)), payload: { sequence: 4 } })).toBe('payload.event');
  });
});
