import type { EventEnvelope } from './event-envelope';

/**
 * The relay's side of an outbox: the store that OutboxWriter appends to. Implemented by
 * store/outbox (PostgreSQL and memory); defined here so the relay does not depend on a store.
 */
export interface OutboxSource {
  /**
   * Takes up to `limit` unsent events, oldest first, that no other relay holds, and hands them
   * to `publish`. Marks them sent only when `publish` resolves; when it rejects they stay unsent
   * (their attempts counted) and the error is rethrown. Resolves with how many were sent.
   */
  relayBatch(limit: number, publish: (events: readonly EventEnvelope[]) => Promise<void>): Promise<number>;
  /**
   * Calls `listener` when events may have been appended (after their transaction committed).
   * Returns the function that stops listening.
   */
  onAppend(listener: () => void): Promise<() => Promise<void>>;
}
