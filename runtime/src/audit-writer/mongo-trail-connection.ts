import type { Logger } from 'pino';
import type { AuditVerification, SequencedAuditEvent } from '../audit/audit-chain';
import type { AuditPage, AuditQuery } from '../audit/audit-store';
import type { AuditTrail } from '../audit/audit-trail';

/** One open connection to the trail's database, and the trail on it. */
export interface OpenedTrail {
  readonly trail: AuditTrail;
  /** Resolves when the database answers (MongoDB `ping`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface MongoTrailConnectionOptions {
  /**
   * Opens a connection and the trail on it. Called again after a failure, and after MongoDB
   * refuses the credentials, so it should read the URL afresh each time (AUDIT_MONGO_URL_FILE is
   * rewritten when Secrets Manager rotates the DocumentDB password).
   */
  open: () => Promise<OpenedTrail>;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** First wait after a failed open; doubles with each failure in a row. @default 500 */
  retryBaseMs?: number;
  /** The longest wait between attempts. @default 30000 */
  retryMaxMs?: number;
}

/** MongoDB's AuthenticationFailed (https://www.mongodb.com/docs/manual/reference/error-codes/): code 18. */
const AUTHENTICATION_FAILED = 18;

/**
 * The audit trail over a MongoDB (DocumentDB) connection that opens in the background and reopens
 * when the server refuses its credentials:
 *
 * - DocumentDB may be unreachable when the writer starts (a failover, a deploy in progress); a
 *   crash loop would only delay the pod, so the writer starts, reports the store as failing in its
 *   readiness, and writes wait (at most the consumer's prefetch of them) until the trail is open.
 * - Secrets Manager rotates the master password (DocumentDbCluster's CredentialRotation). Open
 *   connections stay authenticated, but each new one the driver's pool makes authenticates with
 *   the old password and fails; the first such failure has the connection reopened with the URL read
 *   again. The failing write rejects, so its message returns to the queue and is written after.
 */
export class MongoTrailConnection implements AuditTrail {
  readonly #options: MongoTrailConnectionOptions;
  #current: OpenedTrail | undefined;
  #opening: Promise<OpenedTrail> | undefined;
  #stopped = false;
  #failures = 0;
  #wakeRetry: (() => void) | undefined;

  constructor(options: MongoTrailConnectionOptions) {
    this.#options = options;
  }

  /** Whether the trail is open now (the readiness check). */
  get isOpen(): boolean {
    return this.#current !== undefined;
  }

  /** Starts opening (idempotent). */
  start(): void {
    void this.#ready().catch(() => undefined);
  }

  record(record: SequencedAuditEvent): Promise<'recorded' | 'duplicate'> {
    return this.#use((trail) => trail.record(record));
  }

  query(tenant: string, query: AuditQuery): Promise<AuditPage> {
    return this.#use((trail) => trail.query(tenant, query));
  }

  verify(tenant: string): Promise<AuditVerification> {
    return this.#use((trail) => trail.verify(tenant));
  }

  /** Rejects at once when the trail is not open: a readiness probe must not wait for it. */
  async ping(): Promise<void> {
    const current = this.#current;
    if (!current) throw new Error('the audit trail is not open yet');
    await this.#watch(current, current.ping());
  }

  /** No further attempts; writes waiting for the trail fail (their messages go back to the queue). */
  stopOpening(): void {
    this.#stopped = true;
    this.#wakeRetry?.();
  }

  async close(): Promise<void> {
    this.stopOpening();
    await this.#opening?.catch(() => undefined);
    const current = this.#current;
    this.#current = undefined;
    await current?.close().catch(() => undefined);
  }

  async #use<T>(work: (trail: AuditTrail) => Promise<T>): Promise<T> {
    const current = await this.#ready();
    return this.#watch(current, work(current.trail));
  }

  /** Passes the outcome on; a refusal of the credentials drops this connection so the next use reopens. */
  async #watch<T>(current: OpenedTrail, work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      if (isAuthenticationFailure(error) && this.#current === current) {
        this.#current = undefined;
        this.#options.logger?.warn({ err: describe(error) }, 'MongoDB refused the credentials; reopening with the URL read again');
        void current.close().catch(() => undefined);
        this.start();
      }
      throw error;
    }
  }

  #ready(): Promise<OpenedTrail> {
    if (this.#current) return Promise.resolve(this.#current);
    if (this.#stopped) return Promise.reject(new Error('the audit trail connection is closed'));
    this.#opening ??= this.#openWithRetries().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #openWithRetries(): Promise<OpenedTrail> {
    for (;;) {
      if (this.#stopped) throw new Error('the audit trail connection is closed');
      try {
        const opened = await this.#options.open();
        if (this.#stopped) {
          await opened.close().catch(() => undefined);
          throw new Error('the audit trail connection is closed');
        }
        this.#failures = 0;
        this.#current = opened;
        this.#options.logger?.info({}, 'audit trail open');
        return opened;
      } catch (error) {
        if (this.#stopped) throw error;
        this.#failures++;
        const delay = Math.min(this.#options.retryMaxMs ?? 30_000, (this.#options.retryBaseMs ?? 500) * 2 ** Math.min(this.#failures - 1, 16));
        this.#options.logger?.warn({ err: describe(error), retryInMs: delay }, 'cannot open the audit trail in MongoDB; retrying');
        await new Promise<void>((done) => {
          const timer = setTimeout(done, delay);
          this.#wakeRetry = () => {
            clearTimeout(timer);
            done();
          };
        });
        this.#wakeRetry = undefined;
      }
    }
  }
}

/** MongoServerError 18, or an error caused by one (the driver wraps handshake failures). */
export function isAuthenticationFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const { code, codeName } = e as { code?: unknown; codeName?: unknown };
    if (code === AUTHENTICATION_FAILED || codeName === 'AuthenticationFailed') return true;
  }
  return false;
}

/** MongoDB's messages name hosts at most; any URL is cut out all the same. */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/mongodb(\+srv)?:\/\/\S*/g, 'mongodb://…');
}
