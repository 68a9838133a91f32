import { AuditChainVerifier, auditEventHash, chainAuditEvent, genesisHash } from '../../../runtime/src/audit/audit-chain';
import type { SequencedAuditEvent } from '../../../runtime/src/audit/audit-chain';
import { AuditFieldRefused } from '../../../runtime/src/audit/audit-errors';
import { buildAuditEvent, keyThumbprint, opaqueId } from '../../../runtime/src/audit/audit-event';
import type { AuditEventInput } from '../../../runtime/src/audit/audit-event';
import { canonicalJson } from '../../../runtime/src/audit/canonical-json';

const FIXED = { newId: () => '0f8fad5b-d9cb-469f-a165-70867728950e', now: () => Date.UTC(2026, 11, 1, 12, 0, 0, 123) };

function input(overrides: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    tenant: 'acme',
    actor: { type: 'client', id: opaqueId('acme-admin') },
    action: 'client.created',
    target: { type: 'client', id: opaqueId('billing-service') },
    outcome: 'success',
    sourceIp: '203.0.113.7',
    requestId: 'req-1',
    ...overrides,
  };
}

function refusal(run: () => unknown): AuditFieldRefused {
  try {
    run();
  } catch (error) {
    if (error instanceof AuditFieldRefused) return error;
    throw error;
  }
  throw new Error('expected AuditFieldRefused');
}

describe('canonicalJson (RFC 8785 subset)', () => {
  it('sorts members by UTF-16 code units at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: null, c: [true, 'x'] }, A: 'é\n' })).toBe('{"A":"é\\n","a":{"c":[true,"x"],"d":null},"b":1}');
    // RFC 8785 §3.2.3 compares UTF-16 code units: "\r" (U+000D) < "1" (U+0031) < "€" (U+20AC).
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '1': 3 })).toBe('{"\\r":2,"1":3,"€":1}');
  });

  it('refuses values it could not reproduce exactly', () => {
    expect(() => canonicalJson(1.5)).toThrow(/safe integers/);
    expect(() => canonicalJson(Number.NaN)).toThrow(/safe integers/);
    expect(() => canonicalJson({ a: undefined } as never)).toThrow(/member "a"/);
  });
});

describe('buildAuditEvent', () => {
  it('builds exactly the issue-13 fields from the allow-list', () => {
    const event = buildAuditEvent(input({ actor: { type: 'user', id: opaqueId('u_7f3a9c'), clientId: opaqueId('console') } }), FIXED);
    expect(event).toEqual({
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      time: '2026-12-01T12:00:00.123Z',
      tenant: 'acme',
      actor: { type: 'user', id: 'u_7f3a9c', client_id: 'console' },
      action: 'client.created',
      target: { type: 'client', id: 'billing-service' },
      outcome: 'success',
      source_ip: '203.0.113.7',
      request_id: 'req-1',
    });
  });

  it('never reads members outside the allow-list, even when handed a whole request body', () => {
    const body = {
      ...input(),
      email: 'jane.doe@example.com',
      name: 'Jane Doe',
      password: 'hunter2',
      client_secret: 's3cr3t',
      actor: { type: 'client' as const, id: opaqueId('acme-admin'), email: 'jane.doe@example.com', secret: 'x' },
      target: { type: 'user' as const, id: opaqueId('u_1'), phone: '+44 20 7946 0958' },
    };
    const serialised = JSON.stringify(buildAuditEvent(body, FIXED));
    for (const leaked of ['jane', 'Jane', 'hunter2', 's3cr3t', '7946', 'email', 'password', 'secret', 'phone']) expect(serialised).not.toContain(leaked);
  });

  it('records a client acting for itself with its id as both actor and client, and anonymous callers without an id', () => {
    expect(buildAuditEvent(input(), FIXED).actor).toEqual({ type: 'client', id: 'acme-admin', client_id: 'acme-admin' });
    expect(buildAuditEvent(input({ actor: { type: 'anonymous', clientId: null }, outcome: 'denied' }), FIXED).actor).toEqual({ type: 'anonymous', id: null, client_id: null });
  });

  it('makes a raw string unusable as an id at compile time', () => {
    const body: { email: string } = { email: 'jane@example.com' };
    // @ts-expect-error a plain string is not an OpaqueId: it must pass opaqueId()'s checks first
    const forged: AuditEventInput['target'] = { type: 'user', id: body.email };
    expect(() => buildAuditEvent(input({ target: forged }), FIXED)).toThrow(AuditFieldRefused);
  });

  it.each([
    ['an e-mail address', 'jane.doe@example.com'],
    ['a phone number', '+44 20 7946 0958'],
    ['a phone number', '07946095800'],
    ['a JWT', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['a secret or token', 'Zm9vYmFyYmF6cXV4cXV1eHh5enp5MTIzNDU2Nzg5MA'],
    ['a secret or token', 'q3-9VZ_xK2mPa7LtR1wYc8eN0sB4dG6hJ5fU-oIlXzE'],
    ['a secret or token', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
  ])('refuses %s offered as an opaque id, naming the field and not the value', (reason, value) => {
    const error = refusal(() => opaqueId(value, 'target.id'));
    expect(error.code).toBe('audit_field_refused');
    expect(error.description).toContain('"target.id"');
    expect(error.description).toContain(reason);
    expect(error.description).not.toContain(value);
  });

  it('refuses values that do not fit the alphabet of an id: a name with a space, a control character', () => {
    expect(refusal(() => opaqueId('Jane Doe', 'actor.id')).field).toBe('actor.id');
    expect(refusal(() => opaqueId('client\u0000junk', 'actor.id')).field).toBe('actor.id');
  });

  it('accepts ordinary opaque ids: UUIDs (even all-digit ones), client ids, key ids', () => {
    const ids = [
      '0f8fad5b-d9cb-469f-a165-70867728950e',
      '12345678-1234-1234-1234-123456789012',
      'billing-service',
      'billing-service-production-eu-west-1',
      'kid:2026-12',
      // user and generated client ids: randomBytes(16).toString('base64url') (users/user-directory.ts)
      'u7Fq2Lx9KpZ-3mWn_8RtYA',
      'u_7f3a9c',
    ];
    for (const id of ids) {
      expect(opaqueId(id)).toBe(id);
    }
  });

  it('names keys by their RFC 7638 thumbprint, a shape refused as a likely secret for any other target', () => {
    const kid = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
    expect(buildAuditEvent(input({ action: 'key.revoked', target: { type: 'key', id: keyThumbprint(kid) } }), FIXED).target).toEqual({ type: 'key', id: kid });
    expect(refusal(() => buildAuditEvent(input({ target: { type: 'client', id: kid as never } }), FIXED)).description).toContain('looks like a secret or token');
    expect(refusal(() => keyThumbprint('kid-1')).field).toBe('target.id');
    // @ts-expect-error an OpaqueId is not a kid: keys are named through keyThumbprint()
    const mistyped: AuditEventInput['target'] = { type: 'key', id: opaqueId('kid-1') };
    expect(refusal(() => buildAuditEvent(input({ target: mistyped }), FIXED)).field).toBe('target.id');
  });

  it('guards fields a caller could fill at run time past the types (casts, untyped JavaScript)', () => {
    const cases: Array<[string, Partial<AuditEventInput>]> = [
      ['tenant', { tenant: 'Acme Corp' }],
      ['action', { action: 'jane@example.com' }],
      ['target.type', { target: { type: 'email' as never, id: null } }],
      ['target.id', { target: { type: 'user', id: 'jane@example.com' as never } }],
      ['actor.id', { actor: { type: 'client', id: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' as never } }],
      ['actor.client_id', { actor: { type: 'anonymous', clientId: '+1 555 123 4567' as never } }],
      ['actor.type', { actor: { type: 'admin' } as never }],
      ['outcome', { outcome: 'ok' as never }],
      ['source_ip', { sourceIp: 'jane-laptop.local' }],
      ['request_id', { requestId: 'Bearer abc' }],
      ['request_id', { requestId: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }],
    ];
    for (const [field, overrides] of cases) expect([field, refusal(() => buildAuditEvent(input(overrides), FIXED)).field]).toEqual([field, field]);
  });
});

describe('the hash chain', () => {
  const chainOf = (count: number, tenant = 'acme'): SequencedAuditEvent[] => {
    const records: SequencedAuditEvent[] = [];
    let previous = genesisHash(tenant);
    for (let i = 1; i <= count; i += 1) {
      const event = chainAuditEvent(buildAuditEvent(input({ tenant, requestId: `req-${i}` }), { newId: () => `event-${i}`, now: FIXED.now }), previous);
      records.push({ sequence: i, event });
      previous = event.hash;
    }
    return records;
  };
  const verify = (records: SequencedAuditEvent[], head = { lastSequence: records.length, lastHash: records[records.length - 1]?.event.hash ?? '' }) => {
    const verifier = new AuditChainVerifier('acme');
    verifier.feed(records);
    return verifier.finish(head);
  };

  it('hashes SHA-256 over the canonical event including previous_hash, starting from a per-tenant genesis', () => {
    const [first] = chainOf(1);
    const { hash, ...rest } = first!.event;
    const expected = require('node:crypto').createHash('sha256').update(canonicalJson(rest as never)).digest('hex');
    expect(hash).toBe(expected);
    expect(first!.event.previous_hash).toBe(require('node:crypto').createHash('sha256').update('brandstack.audit.genesis:acme').digest('hex'));
    expect(genesisHash('acme')).not.toBe(genesisHash('other'));
    expect(auditEventHash({ ...first!.event, previous_hash: genesisHash('other') })).not.toBe(hash);
  });

  it('verifies an intact chain', () => {
    expect(verify(chainOf(5))).toEqual({ ok: true, events: 5 });
  });

  it('names a changed field, a deleted event, a reordering and a truncated end', () => {
    const tampered = chainOf(5);
    tampered[2] = { ...tampered[2]!, event: { ...tampered[2]!.event, outcome: 'denied' } };
    expect(verify(tampered)).toMatchObject({ ok: false, brokenAt: { sequence: 3, id: 'event-3' }, reason: 'hash_mismatch' });

    const gap = chainOf(5).filter((r) => r.sequence !== 2);
    expect(verify(gap, { lastSequence: 5, lastHash: chainOf(5)[4]!.event.hash })).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: null }, reason: 'missing_event' });

    const renumbered = chainOf(5).filter((r) => r.sequence !== 2).map((r, i) => ({ ...r, sequence: i + 1 }));
    expect(verify(renumbered)).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: 'event-3' }, reason: 'previous_hash_mismatch' });

    const swapped = chainOf(4);
    const reordered = [swapped[0]!, { ...swapped[2]!, sequence: 2 }, { ...swapped[1]!, sequence: 3 }, swapped[3]!];
    expect(verify(reordered)).toMatchObject({ ok: false, brokenAt: { sequence: 2, id: 'event-3' }, reason: 'previous_hash_mismatch' });

    const full = chainOf(4);
    expect(verify(full.slice(0, 3), { lastSequence: 4, lastHash: full[3]!.event.hash })).toMatchObject({ ok: false, brokenAt: { sequence: 4, id: null }, reason: 'missing_event' });
  });

  it('names an event of another tenant slipped into the chain', () => {
    const records = chainOf(2);
    records[1] = { sequence: 2, event: chainOf(2, 'other')[1]!.event };
    expect(verify(records)).toMatchObject({ ok: false, brokenAt: { sequence: 2 }, reason: 'tenant_mismatch' });
  });
});
