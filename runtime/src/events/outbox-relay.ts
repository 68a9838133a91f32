import type { Logger } from 'pino';
import type { EventPublisher } from './event-publisher';
import type { OutboxSource } from './outbox-source';

export interface OutboxRelayOptions {
  source: OutboxSource;
  publisher: EventPublisher;
  logger?: Logger;
  /** Events per batch (one transaction, one wait for confirms). @default 100 */
  batchSize?: number;
  /** The outbox is read at least this often even when no append was signalled. @default 1000 */
  pollIntervalMs?: number;
  /** First wait after a failed batch; doubles with each failure in a row. @default 200 */
  retryBaseMs?: number;
  /** The longest wait between retries. @default 10000 */
  retryMaxMs?: number;
}

/**
 * Moves events from the outbox to the publisher: reads a batch, publishes it, marks it sent
 * only after the publisher (the broker's confirms) accepted it. On failure the batch stays in the
 * outbox and the relay retries with exponential backoff (the AMQP publisher reconnects on its
 * next call). It wakes on an append signal and polls as well, so a lost signal only delays.
 *
 * Delivery is at least once: an event is never lost, but a relay that dies between the broker's
 * confirm and the commit of "sent" publishes it again on restart. Consumers deduplicate by the
 * event id (the AMQP messageId).
 */
export class OutboxRelay {
  readonly #source: OutboxSource;
  readonly #publisher: EventPublisher;
  readonly #logger: Logger | undefined;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #retryBaseMs: number;
  readonly #retryMaxMs: number;
  #running: Promise<void> | undefined;
  #stopped = false;
  #wakeRequested = false;
  #wakeSleeper: (() => void) | undefined;
  #stopListening: (() => Promise<void>) | undefined;
  #failuresInARow = 0;
  #sent = 0;

  constructor(options: OutboxRelayOptions) {
    this.#source = options.source;
    this.#publisher = options.publisher;
    this.#logger = options.logger;
    this.#batchSize = positive(options.batchSize ?? 100, 'batchSize');
    this.#pollIntervalMs = positive(options.pollIntervalMs ?? 1000, 'pollIntervalMs');
    this.#retryBaseMs = positive(options.retryBaseMs ?? 200, 'retryBaseMs');
    this.#retryMaxMs = positive(options.retryMaxMs ?? 10_000, 'retryMaxMs');
  }

  /** Events this relay has published and marked sent. */
  get sent(): number {
    return this.#sent;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    try {
      this.#stopListening = await this.#source.onAppend(() => this.wake());
    } catch (error) {
      // Polling still delivers; only the latency suffers.
      this.#logger?.warn({ err: String(error) }, 'outbox append signal unavailable; relying on polling');
    }
    this.#running = this.#loop();
  }

  /** Read the outbox now (call after committing a transaction that appended events). */
  wake(): void {
    this.#wakeRequested = true;
    this.#wakeSleeper?.();
  }

  /** Stops after the batch in progress, then closes the publisher. Unsent events stay in the outbox. */
  async close(): Promise<void> {
    this.#stopped = true;
    this.wake();
    await this.#running;
    await this.#stopListening?.().catch(() => undefined);
    await this.#publisher.close();
  }

  async #loop(): Promise<void> {
    while (!this.#stopped) {
      this.#wakeRequested = false;
      let sent: number;
      try {
        sent = await this.#source.relayBatch(this.#batchSize, (events) => this.#publisher.publish(events));
      } catch (error) {
        this.#failuresInARow++;
        const delay = Math.min(this.#retryMaxMs, this.#retryBaseMs * 2 ** Math.min(this.#failuresInARow - 1, 20));
        this.#logger?.warn({ err: error instanceof Error ? error.message : String(error), retryInMs: delay }, 'outbox relay batch failed; events stay unsent');
        await this.#sleep(delay, false);
        continue;
      }
      if (this.#failuresInARow > 0) this.#logger?.info({ afterFailures: this.#failuresInARow }, 'outbox relay recovered');
      this.#failuresInARow = 0;
      this.#sent += sent;
      // A full batch means more may be waiting: go on at once.
      if (sent === this.#batchSize) continue;
      await this.#sleep(this.#pollIntervalMs, true);
    }
  }

  /** Waits `ms`; an append signal cuts the wait short when `wakeable` (not during a retry backoff). */
  #sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.#stopped || (wakeable && this.#wakeRequested)) return Promise.resolve();
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.#wakeSleeper = undefined;
        done();
      };
      const timer = setTimeout(finish, ms);
      this.#wakeSleeper = () => {
        if (wakeable || this.#stopped) finish();
      };
    });
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`OutboxRelay option ${name} must be a positive number, got ${value}`);
  return value;
}
