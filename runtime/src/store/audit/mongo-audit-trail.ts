import { MongoServerError } from 'mongodb';
import type { Collection, Db } from 'mongodb';
import { AuditChainVerifier } from '../../audit/audit-chain';
import type { AuditVerification, SequencedAuditEvent } from '../../audit/audit-chain';
import { AuditTrailConflict } from '../../audit/audit-errors';
import type { AuditEvent } from '../../audit/audit-event';
import { checkAuditQuery, decodeAuditCursor, encodeAuditCursor } from '../../audit/audit-store';
import type { AuditPage, AuditQuery } from '../../audit/audit-store';
import type { AuditTrail } from '../../audit/audit-trail';

export const AUDIT_TRAIL_COLLECTION = 'audit_trail';

export interface MongoAuditTrailOptions {
  /**
   * How long events are kept: the TTL index's expireAfterSeconds on `time`, per stage. A change
   * is applied to the existing index with collMod.
   * @default no TTL index: kept forever
   */
  retentionSeconds?: number;
}

/** One event as stored: the event's fields, `time` as a BSON date for the TTL index, and its sequence. */
interface TrailDocument extends Omit<AuditEvent, 'time'> {
  time: Date;
  sequence: number;
}

const VERIFY_BATCH = 1000;
const DUPLICATE_KEY = 11000;

/**
 * The audit trail's read side in MongoDB / Amazon DocumentDB. Indexes: unique `id` (redeliveries
 * are dropped by it), unique `(tenant, sequence)` (one event per place in a chain), and the TTL
 * index on `time`. Connecting over TLS with the DocumentDB CA bundle is the caller's MongoClient's
 * business; this class is given the database.
 */
export class MongoAuditTrail implements AuditTrail {
  readonly #events: Collection<TrailDocument>;

  private constructor(events: Collection<TrailDocument>) {
    this.#events = events;
  }

  /** Creates the collection's indexes if missing (idempotent; several writers may start at once). */
  static async open(db: Db, options: MongoAuditTrailOptions = {}): Promise<MongoAuditTrail> {
    const retention = options.retentionSeconds;
    if (retention !== undefined && (!Number.isSafeInteger(retention) || retention <= 0)) {
      throw new RangeError(`retentionSeconds must be a positive integer of seconds, got ${retention}`);
    }
    const events = db.collection<TrailDocument>(AUDIT_TRAIL_COLLECTION);
    await events.createIndex({ id: 1 }, { unique: true, name: 'audit_trail_id' });
    await events.createIndex({ tenant: 1, sequence: 1 }, { unique: true, name: 'audit_trail_chain' });
    if (retention !== undefined) {
      try {
        await events.createIndex({ time: 1 }, { expireAfterSeconds: retention, name: 'audit_trail_ttl' });
      } catch (error) {
        // IndexOptionsConflict (85): the TTL index exists with another retention; change it in place.
        // DocumentDB supports TTL indexes on a single field and `collMod: expireAfterSeconds`:
        // https://docs.aws.amazon.com/documentdb/latest/devguide/index-property-expireafterseconds.html
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/mongo-apis.html
        if (!(error instanceof MongoServerError) || error.code !== 85) throw error;
        await db.command({ collMod: AUDIT_TRAIL_COLLECTION, index: { name: 'audit_trail_ttl', expireAfterSeconds: retention } });
      }
    }
    return new MongoAuditTrail(events);
  }

  async record(record: SequencedAuditEvent): Promise<'recorded' | 'duplicate'> {
    const { event, sequence } = record;
    try {
      await this.#events.insertOne({ ...event, actor: { ...event.actor }, target: { ...event.target }, time: new Date(event.time), sequence });
      return 'recorded';
    } catch (error) {
      if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) throw error;
      // Either index may report a redelivery first; the id decides which case this is.
      if ((await this.#events.countDocuments({ id: event.id }, { limit: 1 })) > 0) return 'duplicate';
      throw new AuditTrailConflict(event.tenant, sequence);
    }
  }

  async query(tenant: string, query: AuditQuery): Promise<AuditPage> {
    checkAuditQuery(query);
    const after = decodeAuditCursor(tenant, query.cursor);
    const time = { ...(query.from ? { $gte: query.from } : {}), ...(query.to ? { $lt: query.to } : {}) };
    const documents = await this.#events
      .find({ tenant, sequence: { $gt: after }, ...(query.from || query.to ? { time } : {}) })
      .sort({ sequence: 1 })
      .limit(query.limit + 1)
      .toArray();
    const page = documents.slice(0, query.limit).map(recordFromDocument);
    const last = page[page.length - 1];
    return { events: page.map((r) => r.event), next_cursor: documents.length > query.limit && last ? encodeAuditCursor(tenant, last.sequence) : null };
  }

  async verify(tenant: string): Promise<AuditVerification> {
    let verifier: AuditChainVerifier | undefined;
    let after = 0;
    for (;;) {
      const batch = (await this.#events.find({ tenant, sequence: { $gt: after } }).sort({ sequence: 1 }).limit(VERIFY_BATCH).toArray()).map(recordFromDocument);
      const first = batch[0];
      // The oldest retained event anchors the check: the TTL removes older ones on purpose.
      verifier ??= new AuditChainVerifier(tenant, first ? { sequence: first.sequence, previousHash: first.event.previous_hash } : undefined);
      if (!verifier.feed(batch) || batch.length < VERIFY_BATCH) break;
      after = batch[batch.length - 1]!.sequence;
    }
    return verifier.finish(undefined);
  }
}

function recordFromDocument(document: TrailDocument): SequencedAuditEvent {
  return {
    sequence: document.sequence,
    event: {
      id: document.id,
      time: document.time.toISOString(),
      tenant: document.tenant,
      actor: { type: document.actor.type, id: document.actor.id, client_id: document.actor.client_id },
      action: document.action,
      target: { type: document.target.type, id: document.target.id },
      outcome: document.outcome,
      source_ip: document.source_ip,
      request_id: document.request_id,
      hash: document.hash,
      previous_hash: document.previous_hash,
    },
  };
}
