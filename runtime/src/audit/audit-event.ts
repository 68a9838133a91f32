import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { isTenantId } from '../identifiers/tenant-id';
import { AuditFieldRefused } from './audit-errors';

/**
 * One privileged action, as the audit trail records it (issue 13 §4). These fields and no
 * others: users appear only by their opaque id, and nothing here can hold an e-mail, a name, a
 * phone number, a password, a secret or a token. `hash` and `previous_hash` chain the tenant's
 * events (audit-chain.ts).
 */
export interface AuditEvent {
  readonly id: string;
  /** ISO 8601, UTC, millisecond precision (Date.prototype.toISOString). */
  readonly time: string;
  readonly tenant: string;
  readonly actor: { readonly type: AuditActorType; readonly id: string | null; readonly client_id: string | null };
  /** Dotted, lower-case: `client.created`, `key.revoked`, `token.introspected`. */
  readonly action: string;
  readonly target: { readonly type: AuditTargetType; readonly id: string | null };
  readonly outcome: AuditOutcome;
  readonly source_ip: string | null;
  readonly request_id: string | null;
  /** SHA-256, lower-case hex, over the canonical event without `hash` (previous_hash included). */
  readonly hash: string;
  readonly previous_hash: string;
}

/** An event before the store chains it: everything but `hash` and `previous_hash`. */
export type UnchainedAuditEvent = Omit<AuditEvent, 'hash' | 'previous_hash'>;

/** `anonymous`: a denied request whose credentials identified nobody. */
export const AUDIT_ACTOR_TYPES = ['user', 'client', 'anonymous'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

export const AUDIT_TARGET_TYPES = ['tenant', 'client', 'user', 'key', 'policy', 'token', 'audit_trail'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

declare const opaque: unique symbol;
/**
 * An identifier checked to be opaque: a client id, a user's random id, a key id, a token's jti.
 * Only {@link opaqueId} makes one, so a request body's `email: string` cannot be passed where an
 * actor or target id is expected without going through the check that refuses it.
 */
export type OpaqueId = string & { readonly [opaque]: true };

declare const thumbprint: unique symbol;
/**
 * A signing key's kid: its RFC 7638 JWK thumbprint (keys/rsa-key.ts), 43 base64url characters.
 * Public, yet shaped exactly like a generated secret, so it has a type of its own and is accepted
 * only as the id of a `key` target; everywhere else that shape is refused as a likely secret.
 */
export type KeyThumbprint = string & { readonly [thumbprint]: true };

/**
 * The allow-list: the only inputs the builder reads. It copies these members by name and never
 * spreads its argument, so extra members of whatever object is passed (a request body, a user
 * record) are never read.
 */
export interface AuditEventInput {
  tenant: string;
  actor: { type: 'user'; id: OpaqueId; clientId: OpaqueId | null } | { type: 'client'; id: OpaqueId } | { type: 'anonymous'; clientId: OpaqueId | null };
  action: string;
  /** A key is named by its kid; everything else by an opaque id. */
  target: { type: 'key'; id: KeyThumbprint | null } | { type: Exclude<AuditTargetType, 'key'>; id: OpaqueId | null };
  outcome: AuditOutcome;
  /** The caller's address as Fastify resolved it (request.ip), or null. */
  sourceIp: string | null;
  /** Fastify's request.id, or null outside a request. */
  requestId: string | null;
}

/** What the builder needs besides the inputs; tests pass fixed values. */
export interface AuditEventOrigin {
  /** @default crypto.randomUUID */
  newId?: () => string;
  /** @default Date.now */
  now?: () => number;
}

// Opaque ids are short tokens of a URL-safe alphabet: no '@', no spaces, so no e-mail or full name fits.
const OPAQUE_ID = /^[A-Za-z0-9._~:-]{1,128}$/;
const ACTION = /^[a-z][a-z_]*(?:\.[a-z][a-z_]*){1,3}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Checks an identifier and marks it opaque; throws AuditFieldRefused naming `field` otherwise. */
export function opaqueId(value: string, field = 'id'): OpaqueId {
  if (typeof value !== 'string') throw new AuditFieldRefused(field, 'an opaque id is a string');
  // The personal-data check first: its reason ("looks like an e-mail address") tells the caller more.
  refusePersonalData(field, value);
  if (!OPAQUE_ID.test(value)) throw new AuditFieldRefused(field, `an opaque id is 1-128 characters of A-Z a-z 0-9 . _ ~ : -`);
  return value as OpaqueId;
}

// RFC 7638 §3: base64url (RFC 7515 §2, no padding) of a SHA-256 digest: 43 characters.
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/** Checks a kid's shape and marks it; throws AuditFieldRefused naming `field` otherwise. */
export function keyThumbprint(value: string, field = 'target.id'): KeyThumbprint {
  if (typeof value !== 'string' || !THUMBPRINT.test(value)) throw new AuditFieldRefused(field, 'a kid is an RFC 7638 SHA-256 thumbprint: 43 base64url characters');
  return value as KeyThumbprint;
}

/** Builds an event from the allow-list only. Throws AuditFieldRefused naming the first unusable field. */
export function buildAuditEvent(input: AuditEventInput, origin: AuditEventOrigin = {}): UnchainedAuditEvent {
  const tenant = input.tenant;
  if (typeof tenant !== 'string' || !isTenantId(tenant)) throw new AuditFieldRefused('tenant', 'not a tenant id');
  const actor = buildActor(input.actor);
  const action = input.action;
  if (typeof action !== 'string' || !ACTION.test(action)) throw new AuditFieldRefused('action', 'an action is dotted lower-case words, e.g. client.created');
  const targetType = input.target?.type;
  if (!(AUDIT_TARGET_TYPES as readonly string[]).includes(targetType)) throw new AuditFieldRefused('target.type', `allowed: ${AUDIT_TARGET_TYPES.join(', ')}`);
  const targetId = input.target.id === null ? null : targetType === 'key' ? keyThumbprint(input.target.id) : opaqueId(input.target.id, 'target.id');
  if (!(AUDIT_OUTCOMES as readonly string[]).includes(input.outcome)) throw new AuditFieldRefused('outcome', `allowed: ${AUDIT_OUTCOMES.join(', ')}`);
  const sourceIp = input.sourceIp;
  if (sourceIp !== null && (typeof sourceIp !== 'string' || isIP(sourceIp) === 0)) throw new AuditFieldRefused('source_ip', 'not an IPv4 or IPv6 address');
  const requestId = input.requestId;
  if (requestId !== null && (typeof requestId !== 'string' || !REQUEST_ID.test(requestId))) {
    throw new AuditFieldRefused('request_id', 'a request id is 1-128 characters of A-Z a-z 0-9 . _ : -');
  }
  if (requestId !== null) refusePersonalData('request_id', requestId);
  const id = (origin.newId ?? randomUUID)();
  const time = new Date((origin.now ?? Date.now)()).toISOString();
  return {
    id: opaqueId(id, 'id'),
    time,
    tenant,
    actor,
    action,
    target: { type: targetType as AuditTargetType, id: targetId },
    outcome: input.outcome,
    source_ip: sourceIp,
    request_id: requestId,
  };
}

function buildActor(actor: AuditEventInput['actor']): AuditEvent['actor'] {
  switch (actor?.type) {
    case 'user':
      return { type: 'user', id: opaqueId(actor.id, 'actor.id'), client_id: actor.clientId === null ? null : opaqueId(actor.clientId, 'actor.client_id') };
    case 'client': {
      // A client acting for itself: its id is both the actor and the client.
      const id = opaqueId(actor.id, 'actor.id');
      return { type: 'client', id, client_id: id };
    }
    case 'anonymous':
      return { type: 'anonymous', id: null, client_id: actor.clientId === null ? null : opaqueId(actor.clientId, 'actor.client_id') };
    default:
      throw new AuditFieldRefused('actor.type', `allowed: ${AUDIT_ACTOR_TYPES.join(', ')}`);
  }
}

/**
 * The second line of defence behind the types: refuses a value that looks like personal data or
 * a credential even when it fits the field's alphabet. A false positive fails the audited
 * action loudly (500), which is better than a credential sitting in an append-only trail.
 */
export function refusePersonalData(field: string, value: string): void {
  const reason = personalDataIn(value);
  if (reason !== undefined) throw new AuditFieldRefused(field, `looks like ${reason}`);
}

function personalDataIn(value: string): string | undefined {
  if (/[^\s@]+@[^\s@]+/.test(value)) return 'an e-mail address';
  // E.164 allows up to 15 digits (ITU-T E.164 §6); seven or more digits, perhaps with separators, read as a phone number
  // (20 characters at most, so an all-digit UUID is not taken for one).
  if (/^\+?[\d ().-]{7,20}$/.test(value) && (value.match(/\d/g) ?? []).length >= 7) return 'a phone number';
  // A JWS/JWT in compact serialization starts with the base64url of '{"' (RFC 7515 §7.1).
  if (/eyJ[A-Za-z0-9_-]*\./.test(value)) return 'a JWT';
  if (looksGenerated(value)) return 'a secret or token';
  return undefined;
}

/**
 * 32+ characters of hex, or 32+ characters of the base64/base64url alphabet mixing upper case,
 * lower case and digits: what randomBytes(≥24) encodes to, and what no hand-chosen name or
 * UUID looks like (a UUID's hex runs are at most 12 long; names are not mixed-case gibberish).
 */
function looksGenerated(value: string): boolean {
  if (/[0-9a-fA-F]{32,}/.test(value)) return true;
  return (value.match(/[A-Za-z0-9+/_=-]{32,}/g) ?? []).some((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run));
}

/** Whether a string is an ISO time exactly as the builder writes it. */
export function isAuditTime(value: string): boolean {
  return ISO_TIME.test(value) && new Date(value).toISOString() === value;
}
