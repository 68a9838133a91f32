import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { AuditEvent, UnchainedAuditEvent } from './audit-event';

/**
 * The per-tenant hash chain. Each event's `hash` is SHA-256 (FIPS 180-4), lower-case hex, over
 * its RFC 8785 canonical JSON with every field but `hash` itself, `previous_hash` included; its
 * `previous_hash` is the hash of the tenant's event before it. Changing, deleting or reordering
 * an event therefore breaks the link after it, and {@link verifyAuditChain} names where.
 *
 * The first event's previous_hash is the tenant's genesis value, SHA-256 of
 * `brandstack.audit.genesis:<tenant>`: fixed, recomputable by anyone, and different per tenant, so
 * one tenant's chain cannot be passed off as another's.
 */
export function genesisHash(tenant: string): string {
  return sha256Hex(`brandstack.audit.genesis:${tenant}`);
}

export function auditEventHash(event: UnchainedAuditEvent & { previous_hash: string }): string {
  return sha256Hex(
    canonicalJson({
      id: event.id,
      time: event.time,
      tenant: event.tenant,
      actor: { type: event.actor.type, id: event.actor.id, client_id: event.actor.client_id },
      action: event.action,
      target: { type: event.target.type, id: event.target.id },
      outcome: event.outcome,
      source_ip: event.source_ip,
      request_id: event.request_id,
      previous_hash: event.previous_hash,
    }),
  );
}

/** Links an event after the one whose hash is `previousHash`. */
export function chainAuditEvent(event: UnchainedAuditEvent, previousHash: string): AuditEvent {
  return { ...event, previous_hash: previousHash, hash: auditEventHash({ ...event, previous_hash: previousHash }) };
}

/** A stored event: its place in the tenant's chain (1, 2, 3 …) and the event. */
export interface SequencedAuditEvent {
  sequence: number;
  event: AuditEvent;
}

/** Where the tenant's chain ends, as the store's head records it. */
export interface AuditChainHead {
  lastSequence: number;
  lastHash: string;
}

export type AuditChainBreak =
  /** An event's fields no longer hash to its `hash`: a field was changed. */
  | 'hash_mismatch'
  /** An event's previous_hash is not its predecessor's hash: an event before it was removed, replaced or moved. */
  | 'previous_hash_mismatch'
  /** A sequence number is missing: the event there was deleted (also at the end, against the head). */
  | 'missing_event'
  /** The last event is not the one the head recorded. */
  | 'head_mismatch'
  /** An event of another tenant sits in this tenant's chain. */
  | 'tenant_mismatch';

export type AuditVerification =
  | { ok: true; events: number }
  | { ok: false; brokenAt: { sequence: number; id: string | null }; reason: AuditChainBreak; description: string };

/**
 * Recomputes a tenant's chain, fed in sequence order (in pages, so a long chain needs no memory),
 * and stops at the first broken link.
 */
export class AuditChainVerifier {
  readonly #tenant: string;
  #expectedSequence: number;
  readonly #first: number;
  #previousHash: string;
  #failure: Extract<AuditVerification, { ok: false }> | undefined;

  /**
   * @param resumeAt where to start when the events before it are gone on purpose (the read side's
   *   TTL expired them): the first retained event's sequence and previous_hash, taken on trust.
   *   @default the chain's start: sequence 1 after the tenant's genesis value
   */
  constructor(tenant: string, resumeAt?: { sequence: number; previousHash: string }) {
    this.#tenant = tenant;
    this.#expectedSequence = resumeAt && resumeAt.sequence > 1 ? resumeAt.sequence : 1;
    this.#previousHash = resumeAt && resumeAt.sequence > 1 ? resumeAt.previousHash : genesisHash(tenant);
    this.#first = this.#expectedSequence;
  }

  /** Feeds the next events; returns false once a link is broken (further input is ignored). */
  feed(records: readonly SequencedAuditEvent[]): boolean {
    for (const { sequence, event } of records) {
      if (this.#failure) return false;
      if (sequence !== this.#expectedSequence) {
        this.#fail(this.#expectedSequence, null, 'missing_event', `event ${this.#expectedSequence} is missing; the chain continues at ${sequence}`);
      } else if (event.tenant !== this.#tenant) {
        this.#fail(sequence, event.id, 'tenant_mismatch', `event ${sequence} (${event.id}) belongs to another tenant`);
      } else if (event.previous_hash !== this.#previousHash) {
        this.#fail(sequence, event.id, 'previous_hash_mismatch', `event ${sequence} (${event.id}) does not follow event ${sequence - 1}: one before it was removed, replaced or moved`);
      } else if (auditEventHash(event) !== event.hash) {
        this.#fail(sequence, event.id, 'hash_mismatch', `event ${sequence} (${event.id}) was changed after it was recorded`);
      } else {
        this.#previousHash = event.hash;
        this.#expectedSequence += 1;
      }
    }
    return this.#failure === undefined;
  }

  /**
   * The verdict, checking the end of the chain against the head (a deleted last event shows only
   * there). `head` undefined: the store keeps no head (the MongoDB read side), so the end is not checked.
   */
  finish(head: AuditChainHead | undefined): AuditVerification {
    if (this.#failure) return this.#failure;
    const seen = this.#expectedSequence - 1;
    if (head === undefined) return { ok: true, events: seen - this.#first + 1 };
    const headSequence = head.lastSequence;
    if (headSequence > seen) {
      this.#fail(seen + 1, null, 'missing_event', `the chain ends at event ${seen} but the head records ${headSequence} events`);
    } else if (headSequence < seen || head.lastHash !== this.#previousHash) {
      this.#fail(seen, null, 'head_mismatch', `the last event (${seen}) is not the one the chain head recorded (${headSequence})`);
    }
    return this.#failure ?? { ok: true, events: seen - this.#first + 1 };
  }

  #fail(sequence: number, id: string | null, reason: AuditChainBreak, description: string): void {
    this.#failure = { ok: false, brokenAt: { sequence, id }, reason, description };
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
