import { AuditChainVerifier } from '../../audit/audit-chain';
import type { AuditVerification, SequencedAuditEvent } from '../../audit/audit-chain';
import { AuditTrailConflict } from '../../audit/audit-errors';
import { checkAuditQuery, decodeAuditCursor, encodeAuditCursor } from '../../audit/audit-store';
import type { AuditPage, AuditQuery } from '../../audit/audit-store';
import type { AuditTrail } from '../../audit/audit-trail';

/** The embedded read side for `npm start` and tests; the same contract as MongoAuditTrail. */
export class MemoryAuditTrail implements AuditTrail {
  readonly #byId = new Map<string, SequencedAuditEvent>();
  readonly #byTenant = new Map<string, Map<number, SequencedAuditEvent>>();
  readonly #retentionMs: number | undefined;
  readonly #now: () => number;

  /** @param options.retentionSeconds like the MongoDB TTL index; @default keep forever */
  constructor(options: { retentionSeconds?: number; now?: () => number } = {}) {
    this.#retentionMs = options.retentionSeconds === undefined ? undefined : options.retentionSeconds * 1000;
    this.#now = options.now ?? Date.now;
  }

  async record(record: SequencedAuditEvent): Promise<'recorded' | 'duplicate'> {
    if (this.#byId.has(record.event.id)) return 'duplicate';
    const chain = this.#byTenant.get(record.event.tenant) ?? new Map<number, SequencedAuditEvent>();
    if (chain.has(record.sequence)) throw new AuditTrailConflict(record.event.tenant, record.sequence);
    const copy = structuredClone(record);
    chain.set(record.sequence, copy);
    this.#byTenant.set(record.event.tenant, chain);
    this.#byId.set(record.event.id, copy);
    return 'recorded';
  }

  async query(tenant: string, query: AuditQuery): Promise<AuditPage> {
    checkAuditQuery(query);
    const after = decodeAuditCursor(tenant, query.cursor);
    const from = query.from?.getTime() ?? -Infinity;
    const to = query.to?.getTime() ?? Infinity;
    const matching = this.#retained(tenant).filter((r) => r.sequence > after && Date.parse(r.event.time) >= from && Date.parse(r.event.time) < to);
    const page = matching.slice(0, query.limit);
    const last = page[page.length - 1];
    return { events: page.map((r) => structuredClone(r.event)), next_cursor: matching.length > query.limit && last ? encodeAuditCursor(tenant, last.sequence) : null };
  }

  async verify(tenant: string): Promise<AuditVerification> {
    const records = this.#retained(tenant);
    const first = records[0];
    const verifier = new AuditChainVerifier(tenant, first ? { sequence: first.sequence, previousHash: first.event.previous_hash } : undefined);
    verifier.feed(records);
    return verifier.finish(undefined);
  }

  #retained(tenant: string): SequencedAuditEvent[] {
    const oldest = this.#retentionMs === undefined ? -Infinity : this.#now() - this.#retentionMs;
    return [...(this.#byTenant.get(tenant)?.values() ?? [])].filter((r) => Date.parse(r.event.time) >= oldest).sort((a, b) => a.sequence - b.sequence);
  }
}
