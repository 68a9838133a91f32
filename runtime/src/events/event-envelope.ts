/**
 * What travels on the event backbone (PostgreSQL outbox → RabbitMQ exchange
 * `brandstack.events` → consumers). Kinds: `audit` (privileged actions, PII-free) and
 * `security` (sign-in blocks). Routing key: `<kind>.<tenant>.<action>`.
 */
export type EventKind = 'audit' | 'security';

export interface EventEnvelope {
  /** Unique, random; the AMQP `messageId`, by which consumers deduplicate. */
  id: string;
  kind: EventKind;
  tenant: string;
  /** Dotted action name, e.g. `client.created`, `ip.blocked`. */
  action: string;
  /** ISO 8601 time the change happened. */
  time: string;
  /** The event itself, already free of personal data (audit/audit-event.ts builds it from an allow-list). */
  payload: Record<string, unknown>;
}

/** `<kind>.<tenant>.<action>` */
export function routingKey(event: Pick<EventEnvelope, 'kind' | 'tenant' | 'action'>): string {
  return `${event.kind}.${event.tenant}.${event.action}`;
}

/**
 * Where a change's events are written. The PostgreSQL implementation writes into the
 * outbox table inside the caller's transaction, so an event exists exactly when its change does.
 */
export interface OutboxWriter<Tx = unknown> {
  append(tx: Tx, events: readonly EventEnvelope[]): Promise<void>;
}
