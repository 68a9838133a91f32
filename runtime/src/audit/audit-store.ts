import { InvalidAuditQuery } from './audit-errors';
import type { AuditVerification, SequencedAuditEvent } from './audit-chain';
import type { AuditEvent, UnchainedAuditEvent } from './audit-event';

/**
 * Where a tenant's audit trail lives. append() chains the event to the tenant's last one and
 * serialises per tenant, so concurrent appends never fork the chain. The PostgreSQL store takes
 * the caller's transaction (`tx`), so an event exists exactly when the change it records does.
 */
export interface AuditStore<Tx = unknown> {
  append(event: UnchainedAuditEvent, tx?: Tx): Promise<SequencedAuditEvent>;
  /** The tenant's events in chain order, filtered by time; `next_cursor` is null on the last page. */
  query(tenant: string, query: AuditQuery): Promise<AuditPage>;
  /** Recomputes the tenant's whole chain and names its first broken link. */
  verify(tenant: string): Promise<AuditVerification>;
}

export interface AuditQuery {
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** From a previous page's next_cursor; opaque to callers. */
  cursor?: string;
  /** 1 to {@link MAX_AUDIT_PAGE}. */
  limit: number;
}

export interface AuditPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

export const MAX_AUDIT_PAGE = 500;

/**
 * A cursor is the tenant and the sequence number of the page's last event, base64url-encoded.
 * It is a position, not a credential: authorization is per tenant, and a cursor of another
 * tenant is refused, so forging one reaches nothing the caller could not page to anyway.
 */
export function encodeAuditCursor(tenant: string, afterSequence: number): string {
  return Buffer.from(JSON.stringify({ t: tenant, s: afterSequence }), 'utf8').toString('base64url');
}

/** The sequence after which the page starts; InvalidAuditQuery names `cursor` when it is not this tenant's. */
export function decodeAuditCursor(tenant: string, cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let decoded: unknown;
  try {
    decoded = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  const position = decoded as { t?: unknown; s?: unknown } | undefined;
  if (typeof position !== 'object' || position === null || position.t !== tenant || !Number.isSafeInteger(position.s) || (position.s as number) < 0) {
    throw new InvalidAuditQuery('cursor', 'cursor is not one this API returned for this tenant; use next_cursor from the previous page');
  }
  return position.s as number;
}

/** Checks a query's limit and time range before a store runs it. */
export function checkAuditQuery(query: AuditQuery): void {
  if (!Number.isSafeInteger(query.limit) || query.limit < 1 || query.limit > MAX_AUDIT_PAGE) {
    throw new InvalidAuditQuery('limit', `limit must be an integer from 1 to ${MAX_AUDIT_PAGE}`);
  }
  for (const name of ['from', 'to'] as const) {
    const value = query[name];
    if (value !== undefined && Number.isNaN(value.getTime())) throw new InvalidAuditQuery(name, `${name} must be an RFC 3339 date-time`);
  }
  if (query.from && query.to && query.from.getTime() >= query.to.getTime()) throw new InvalidAuditQuery('from', 'from must be before to');
}
