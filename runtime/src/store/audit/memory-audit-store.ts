import { AuditChainVerifier, chainAuditEvent, genesisHash } from '../../audit/audit-chain';
import type { AuditVerification, SequencedAuditEvent } from '../../audit/audit-chain';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import { checkAuditQuery, decodeAuditCursor, encodeAuditCursor } from '../../audit/audit-store';
import type { AuditPage, AuditQuery, AuditStore } from '../../audit/audit-store';

/**
 * The embedded audit store for `npm start` and tests. append() does its whole work synchronously
 * between awaits, so appends of one tenant are serialised by the event loop.
 */
export class MemoryAuditStore implements AuditStore<never> {
  readonly #chains = new Map<string, SequencedAuditEvent[]>();

  async append(event: UnchainedAuditEvent): Promise<SequencedAuditEvent> {
    const chain = this.#chains.get(event.tenant) ?? [];
    this.#chains.set(event.tenant, chain);
    const last = chain[chain.length - 1];
    const record = { sequence: chain.length + 1, event: chainAuditEvent(event, last?.event.hash ?? genesisHash(event.tenant)) };
    chain.push(record);
    return structuredClone(record);
  }

  async query(tenant: string, query: AuditQuery): Promise<AuditPage> {
    checkAuditQuery(query);
    const after = decodeAuditCursor(tenant, query.cursor);
    const from = query.from?.getTime() ?? -Infinity;
    const to = query.to?.getTime() ?? Infinity;
    const matching = (this.#chains.get(tenant) ?? []).filter((record) => {
      const time = Date.parse(record.event.time);
      return record.sequence > after && time >= from && time < to;
    });
    const page = matching.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      events: page.map((record) => structuredClone(record.event)),
      next_cursor: matching.length > query.limit && last ? encodeAuditCursor(tenant, last.sequence) : null,
    };
  }

  async verify(tenant: string): Promise<AuditVerification> {
    const chain = this.#chains.get(tenant) ?? [];
    const verifier = new AuditChainVerifier(tenant);
    verifier.feed(chain);
    const last = chain[chain.length - 1];
    return verifier.finish(last ? { lastSequence: last.sequence, lastHash: last.event.hash } : { lastSequence: 0, lastHash: genesisHash(tenant) });
  }
}
