import type { EventEnvelope, OutboxWriter } from '../../events/event-envelope';
import type { OutboxSource } from '../../events/outbox-source';

/**
 * The embedded store's outbox (`npm start`): the same contracts as PostgresOutbox, in memory.
 * The embedded store has no transactions, so `tx` is ignored (pass undefined); its events live
 * as long as the process, like the rest of the embedded store.
 */
export class MemoryOutbox implements OutboxWriter<unknown>, OutboxSource {
  readonly #unsent: EventEnvelope[] = [];
  readonly #inFlight = new Set<EventEnvelope>();
  readonly #listeners = new Set<() => void>();
  readonly #ids = new Set<string>();

  async append(_tx: unknown, events: readonly EventEnvelope[]): Promise<void> {
    for (const event of events) {
      // The PostgreSQL outbox refuses a repeated id with its primary key; so does this one.
      if (this.#ids.has(event.id)) throw new Error(`outbox already holds an event with id ${event.id}`);
    }
    for (const event of events) {
      this.#ids.add(event.id);
      this.#unsent.push(structuredClone(event));
    }
    if (events.length > 0) for (const listener of this.#listeners) listener();
  }

  async relayBatch(limit: number, publish: (events: readonly EventEnvelope[]) => Promise<void>): Promise<number> {
    const batch = this.#unsent.filter((event) => !this.#inFlight.has(event)).slice(0, limit);
    if (batch.length === 0) return 0;
    for (const event of batch) this.#inFlight.add(event);
    try {
      await publish(batch);
    } finally {
      for (const event of batch) this.#inFlight.delete(event);
    }
    for (const event of batch) this.#unsent.splice(this.#unsent.indexOf(event), 1);
    return batch.length;
  }

  async onAppend(listener: () => void): Promise<() => Promise<void>> {
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
    };
  }

  /** Events not yet published. */
  get unsentCount(): number {
    return this.#unsent.length;
  }
}
