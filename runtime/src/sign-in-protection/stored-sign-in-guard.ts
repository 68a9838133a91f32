import type { Logger } from 'pino';
import type { SecurityNotifier } from '../security-events/security-notifier';
import type { Clock } from '../support/clock';
import { TtlCache } from '../support/ttl-cache';
import { afterFailure } from './ip-attempts';
import type { BlockStarted } from './ip-attempts';
import type { SignInAttemptStore } from './sign-in-attempt-store';
import type { AttemptSubject, BlockDecision, SignInGuard } from './sign-in-guard';
import { accountDelayFor } from './sign-in-policy';
import type { SignInPolicy } from './sign-in-policy';

export interface StoredSignInGuardOptions {
  store: SignInAttemptStore;
  clock: Clock;
  notifier: SecurityNotifier;
  policyFor: (tenantId: string) => SignInPolicy | Promise<SignInPolicy>;
  logger: Pick<Logger, 'warn' | 'error'>;
  /**
   * How long `check` serves a block state from memory. A block started by another replica is
   * enforced here within this bound; one started by this replica, at once. @default 2
   */
  cacheSeconds?: number;
  /** Distinct (tenant, IP) pairs cached per replica. @default 100000 */
  cacheEntries?: number;
  /**
   * How long counters are kept after their last change: long enough to remember a block for the
   * doubling of the next one (the default policy's repeat window plus its longest block).
   * @default 172800 (48 hours)
   */
  retentionSeconds?: number;
}

/**
 * The SignInGuard over a shared {@link SignInAttemptStore}. `check` is on the token path, so it
 * reads through a short per-replica cache: one store query per (tenant, IP) per `cacheSeconds`.
 */
export class StoredSignInGuard implements SignInGuard {
  readonly #store: SignInAttemptStore;
  readonly #notifier: SecurityNotifier;
  readonly #policyFor: (tenantId: string) => SignInPolicy | Promise<SignInPolicy>;
  readonly #logger: Pick<Logger, 'warn' | 'error'>;
  readonly #blocks: TtlCache<{ until: number }>;
  readonly cacheSeconds: number;
  readonly #retentionSeconds: number;
  readonly #sending = new Set<Promise<void>>();

  constructor(options: StoredSignInGuardOptions) {
    this.#store = options.store;
    this.#notifier = options.notifier;
    this.#policyFor = options.policyFor;
    this.#logger = options.logger;
    this.cacheSeconds = options.cacheSeconds ?? 2;
    this.#retentionSeconds = options.retentionSeconds ?? 48 * 60 * 60;
    this.#blocks = new TtlCache({
      clock: options.clock,
      ttlMs: this.cacheSeconds * 1000,
      maxEntries: options.cacheEntries ?? 100_000,
      onStaleServed: (error) => this.#logger.warn({ err: error }, 'sign-in attempt store unavailable; serving cached IP blocks'),
      load: async (key) => {
        const [tenantId, ip] = splitKey(key);
        return { until: (await this.#store.findIpBlock(tenantId, ip))?.getTime() ?? 0 };
      },
    });
  }

  /**
   * Fails open: when the store cannot be read (and nothing is cached), the request proceeds and a
   * warning is logged. The token path serves from cached keys and clients through a database
   * blip; the guard must not be what turns that blip into an outage.
   */
  async check(tenantId: string, ip: string, at: Date): Promise<BlockDecision> {
    try {
      const block = await this.#blocks.get(cacheKey(tenantId, ip));
      return decision(block?.until ?? 0, at);
    } catch (error) {
      this.#logger.warn({ err: error, tenant: tenantId }, 'sign-in attempt store unavailable; IP block not checked');
      return { blocked: false };
    }
  }

  /** 0 when the store cannot be read (logged). */
  async accountDelayMs(tenantId: string, accountKey: string, at: Date): Promise<number> {
    const policy = await this.#policyFor(tenantId);
    try {
      return accountDelayFor(await this.#store.accountFailures(tenantId, accountKey, at, policy.accountWindowSeconds), policy);
    } catch (error) {
      this.#logger.warn({ err: error, tenant: tenantId }, 'sign-in attempt store unavailable; no account delay applied');
      return 0;
    }
  }

  /** Never throws: when the store cannot be written, the failure is logged and goes uncounted. */
  async recordFailure(subject: AttemptSubject, at: Date): Promise<BlockDecision> {
    try {
      return await this.#recordFailure(subject, at);
    } catch (error) {
      this.#logger.error({ err: error, tenant: subject.tenantId }, 'sign-in attempt store unavailable; failure not counted');
      return { blocked: false };
    }
  }

  async #recordFailure(subject: AttemptSubject, at: Date): Promise<BlockDecision> {
    const policy = await this.#policyFor(subject.tenantId);
    await this.#store.recordAccountFailure(subject.tenantId, subject.accountKey, at, policy.accountWindowSeconds);
    const { until, started } = await this.#store.updateIp(subject.tenantId, subject.ip, at, (state) => {
      const next = afterFailure(state, subject.accountKey, at, policy);
      return { state: next.state, result: { until: next.state.blockedUntil?.getTime() ?? 0, started: next.started } };
    });
    if (started) {
      // This replica enforces its own block at once; the others within cacheSeconds.
      this.#blocks.delete(cacheKey(subject.tenantId, subject.ip));
      // Not awaited: delivery (an SNS publish with retries) must not hold up the response.
      const sending = this.#notify(subject, started, at).finally(() => this.#sending.delete(sending));
      this.#sending.add(sending);
    }
    return decision(until, at);
  }

  /** Never throws: a reset that cannot be written is logged. */
  async recordSuccess(subject: AttemptSubject, at: Date): Promise<void> {
    try {
      await this.#store.resetIpFailures(subject.tenantId, subject.ip, at);
      await this.#store.resetAccount(subject.tenantId, subject.accountKey);
    } catch (error) {
      this.#logger.error({ err: error, tenant: subject.tenantId }, 'sign-in attempt store unavailable; success not recorded');
    }
  }

  /** Resolves when every security event sent so far was delivered (or its failure logged): for shutdown and tests. */
  async notificationsSettled(): Promise<void> {
    await Promise.all([...this.#sending]);
  }

  /** Drops counters nobody needs any more: call periodically (the app's purge loop). */
  purgeExpired(now: Date): Promise<void> {
    return this.#store.purge(now, new Date(now.getTime() - this.#retentionSeconds * 1000));
  }

  async #notify(subject: AttemptSubject, started: BlockStarted, at: Date): Promise<void> {
    try {
      await this.#notifier.notify({
        type: 'ip_blocked',
        tenantId: subject.tenantId,
        ip: subject.ip,
        failures: started.failures,
        blockSeconds: started.blockSeconds,
        at,
        distinctAccounts: started.distinctAccounts,
      });
    } catch (error) {
      // The contract says notifiers do not throw; a broken one still must not fail the request.
      this.#logger.error({ err: error, tenant: subject.tenantId }, 'security notification failed');
    }
  }
}

function decision(until: number, at: Date): BlockDecision {
  const remaining = until - at.getTime();
  if (remaining <= 0) return { blocked: false };
  // RFC 9110 §10.2.3: Retry-After in whole seconds; round up so a client never retries early.
  return { blocked: true, retryAfterSeconds: Math.ceil(remaining / 1000), until: new Date(until) };
}

// Tenant ids cannot contain NUL, so the key splits unambiguously.
function cacheKey(tenantId: string, ip: string): string {
  return `${tenantId}\0${ip}`;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\0');
  return [key.slice(0, at), key.slice(at + 1)];
}
