import type { EventEnvelope } from './event-envelope';

/**
 * Where the relay hands events: RabbitMQ in production (AmqpEventPublisher), an in-process bus
 * for `npm start` (InProcessEventBus). `publish` resolves only once every event is accepted
 * (for RabbitMQ: the broker's publisher confirm), and rejects when any is not; the relay then
 * leaves the whole batch unsent and retries it.
 */
export interface EventPublisher {
  publish(events: readonly EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}

/** The AMQP message body: the envelope as JSON, UTF-8. */
export function encodeEvent(event: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
