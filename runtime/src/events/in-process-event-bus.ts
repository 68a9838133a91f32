import { routingKey } from './event-envelope';
import type { EventEnvelope } from './event-envelope';
import type { EventPublisher } from './event-publisher';

export type EventHandler = (event: EventEnvelope) => void | Promise<void>;

/**
 * The embedded stand-in for RabbitMQ (`npm start` without AMQP_URL): the same EventPublisher
 * contract, with subscribers matched by AMQP topic patterns (`*` one word, `#` zero or more,
 * https://www.rabbitmq.com/tutorials/amqp-concepts#exchange-topic). `publish` resolves once
 * every matching handler has run; a handler that throws fails the batch, so the relay keeps it
 * and retries, as it would after a nack.
 */
export class InProcessEventBus implements EventPublisher {
  readonly #subscriptions: Array<{ bindingKey: string; handler: EventHandler }> = [];
  #closed = false;

  /** Returns the unsubscribe function. */
  subscribe(bindingKey: string, handler: EventHandler): () => void {
    const subscription = { bindingKey, handler };
    this.#subscriptions.push(subscription);
    return () => {
      const index = this.#subscriptions.indexOf(subscription);
      if (index >= 0) this.#subscriptions.splice(index, 1);
    };
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (this.#closed) throw new Error('the in-process event bus is closed');
    for (const event of events) {
      const key = routingKey(event);
      for (const { bindingKey, handler } of [...this.#subscriptions]) {
        if (topicMatches(bindingKey, key)) await handler(event);
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#subscriptions.length = 0;
  }
}

/** Whether a routing key matches an AMQP topic binding key (`*` exactly one word, `#` zero or more). */
export function topicMatches(bindingKey: string, key: string): boolean {
  return matchWords(bindingKey.split('.'), 0, key.split('.'), 0);
}

function matchWords(pattern: string[], p: number, words: string[], w: number): boolean {
  if (p === pattern.length) return w === words.length;
  if (pattern[p] === '#') {
    for (let skip = w; skip <= words.length; skip++) if (matchWords(pattern, p + 1, words, skip)) return true;
    return false;
  }
  if (w === words.length) return false;
  return (pattern[p] === '*' || pattern[p] === words[w]) && matchWords(pattern, p + 1, words, w + 1);
}
