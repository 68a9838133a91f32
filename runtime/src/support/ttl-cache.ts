import type { Clock } from './clock';

export interface TtlCacheOptions<V> {
  clock: Clock;
  /** How long a loaded value is served before it is reloaded. */
  ttlMs: number;
  /** How long "not found" is remembered; short, so new entries appear quickly. @default ttlMs */
  missTtlMs?: number;
  /** Entries beyond this evict the oldest, so unknown names cannot grow memory without bound. */
  maxEntries: number;
  /** When a reload fails, the last value keeps serving this long before the next attempt. @default 1000 */
  retryMs?: number;
  onStaleServed?: (error: unknown) => void;
  load: (key: string) => Promise<V | undefined>;
}

interface Entry<V> {
  value: V | undefined;
  loadedAt: number;
  expiresAt: number;
  loading?: Promise<V | undefined>;
}

/**
 * A read-through cache with bounded staleness. Concurrent misses share one load. If a reload
 * fails after a value was loaded before, the old value keeps serving (and the error is
 * reported): a database blip should not fail token requests that need nothing new.
 */
export class TtlCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #options: TtlCacheOptions<V>;

  constructor(options: TtlCacheOptions<V>) {
    this.#options = options;
  }

  get(key: string): Promise<V | undefined> {
    const entry = this.#entries.get(key);
    const now = this.#options.clock.now();
    if (entry && entry.expiresAt > now) return Promise.resolve(entry.value);
    if (entry?.loading) return entry.loading;
    return this.#load(key, entry);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  #load(key: string, previous: Entry<V> | undefined): Promise<V | undefined> {
    const { clock, ttlMs, load } = this.#options;
    // Only the load that is still current may fill the entry: a delete() during the load (after
    // a rotation, say) must not be undone by the stale result arriving late.
    const isCurrent = () => this.#entries.get(key)?.loading === loading;
    const loading: Promise<V | undefined> = load(key).then(
      (value) => {
        if (!isCurrent()) return value;
        const now = clock.now();
        const ttl = value === undefined ? (this.#options.missTtlMs ?? ttlMs) : ttlMs;
        this.#set(key, { value, loadedAt: now, expiresAt: now + ttl });
        return value;
      },
      (error: unknown) => {
        if (isCurrent() && previous && previous.value !== undefined) {
          this.#options.onStaleServed?.(error);
          this.#set(key, { ...previous, loading: undefined, expiresAt: clock.now() + (this.#options.retryMs ?? 1000) });
          return previous.value;
        }
        if (isCurrent()) this.#entries.delete(key);
        throw error;
      },
    );
    this.#set(key, { value: previous?.value, loadedAt: previous?.loadedAt ?? 0, expiresAt: 0, loading });
    return loading;
  }

  #set(key: string, entry: Entry<V>): void {
    this.#entries.delete(key); // re-insert so Map order is recency of load
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#options.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
