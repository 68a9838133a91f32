import { createHash } from 'node:crypto';
import { InvalidKeyProviderConfig, KeyUnavailable } from '../errors/key-errors';
import type { KeyUnavailableReason } from '../errors/key-errors';
import { systemClock } from '../support/clock';
import type { Clock } from '../support/clock';
import { canonicalContext, frozenContext } from './encryption-context';
import type { EncryptionContext, GeneratedDataKey, KeyProvider, KeyProviderName } from './key-provider';
import { assertKeyRef } from './key-ref';

export interface DataKeyCacheOptions {
  /**
   * Entries kept; beyond it the least recently used is dropped (and zero-filled). Each entry is
   * 32 bytes of key and a few hundred of bookkeeping, so the default stays in the low megabytes.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * How long an unwrapped key is served from memory after the provider produced it. This is the
   * delay before disabling a customer's key, revoking the runtime's access or erasing a user
   * takes effect for keys already in memory; the AWS Encryption SDK advises the shortest age the
   * application tolerates. Five minutes lets a sign-in and the token refreshes that follow it
   * share one KMS Decrypt.
   * @default 300
   */
  maxAgeSeconds?: number;
  /**
   * Uses per entry (each returned copy is one use, the loading call included); after that many
   * it is dropped and the next use calls the provider again. It keeps a hot key (a tenant's
   * blind-index key, used by every sign-in) going back to KMS, and so into CloudTrail, at least
   * every 10000 uses as well as every maxAgeSeconds. (The cipher needs no such bound here: GCM
   * with random IVs allows 2^32 encryptions per key, NIST SP 800-38D §8.3.)
   * @default 10000
   */
  maxUses?: number;
  /** @default systemClock */
  clock?: Clock;
}

export interface DataKeyCacheStats {
  /** decryptDataKey calls answered from an entry. */
  hits: number;
  /** decryptDataKey calls with no usable entry (they started a provider call or joined one in flight). */
  misses: number;
  /** Calls made to the provider: GenerateDataKey, Decrypt, ReEncrypt and DescribeKey for KMS. */
  providerCalls: number;
  /** Entries held now. */
  entries: number;
}

interface Entry {
  readonly id: string;
  readonly keyRef: string;
  readonly context: EncryptionContext;
  readonly plaintext: Buffer;
  readonly loadedAt: number;
  uses: number;
}

interface Load {
  readonly keyRef: string;
  readonly context: EncryptionContext;
  /** False once forgotten while in flight: the result then goes to its callers, not into the cache. */
  kept: boolean;
  readonly waiters: Array<{ resolve: (plaintext: Buffer) => void; reject: (error: unknown) => void }>;
}

/** KMS answers meaning the key itself is no longer usable: what is cached under it is dropped too. */
const KEY_ENDED: ReadonlySet<KeyUnavailableReason> = new Set(['access_denied', 'disabled', 'invalid_state', 'not_found']);

/**
 * A KeyProvider that keeps unwrapped data keys in memory, bounded like the AWS Encryption SDK's
 * caching cryptographic materials manager
 * (https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/data-caching-details.html):
 * a count bound (least recently used goes first), an age bound and a uses bound, so a sign-in
 * need not call KMS Decrypt every time while a disabled key, a revoked grant or an erased user
 * still takes effect within maxAgeSeconds.
 *
 * - An entry is keyed by SHA-256 of (keyRef, canonical context, wrapped bytes): the same wrapped
 *   key under another context or keyRef is another entry, and must go to the provider (which
 *   refuses it).
 * - Every call returns a fresh copy the caller owns; the cache zero-fills its own buffer when
 *   the entry is evicted, expires, is used up or forgotten.
 * - Concurrent misses for one entry share one provider call. Failures are never cached, and a
 *   provider answer that the key is disabled, gone, denied or unusable drops every entry under
 *   that keyRef at once.
 * - generateDataKey's plaintext is cached under its wrapped key, so the first read of a record
 *   just written needs no Decrypt.
 * - Expired entries are dropped whenever the cache is used ({@link sweep}); an idle process may
 *   hold them until the next call or an explicit sweep().
 */
export class DataKeyCache implements KeyProvider {
  readonly name: KeyProviderName;
  readonly maxEntries: number;
  readonly maxAgeSeconds: number;
  readonly maxUses: number;
  readonly #provider: KeyProvider;
  readonly #clock: Clock;
  /** Least recently used first. */
  readonly #byRecency = new Map<string, Entry>();
  /** Oldest load first: expiry order, as every entry has the same maximum age. */
  readonly #byAge = new Map<string, Entry>();
  readonly #loads = new Map<string, Load>();
  #hits = 0;
  #misses = 0;
  #providerCalls = 0;

  constructor(provider: KeyProvider, options: DataKeyCacheOptions = {}) {
    this.#provider = provider;
    this.name = provider.name;
    this.maxEntries = bound(options.maxEntries, 10_000, 'maxEntries', 1, 1_000_000, true);
    this.maxAgeSeconds = bound(options.maxAgeSeconds, 300, 'maxAgeSeconds', Number.MIN_VALUE, 86_400, false);
    this.maxUses = bound(options.maxUses, 10_000, 'maxUses', 1, 2 ** 32, true);
    this.#clock = options.clock ?? systemClock;
  }

  async generateDataKey(keyRef: string, context: EncryptionContext): Promise<GeneratedDataKey> {
    const generated = await this.#call(keyRef, () => this.#provider.generateDataKey(keyRef, context));
    // The caller's copy is its first use.
    this.#store(entryId(keyRef, context, generated.wrapped), keyRef, frozenContext(context), Buffer.from(generated.plaintext), 1);
    return generated;
  }

  decryptDataKey(wrapped: Buffer, context: EncryptionContext, keyRef: string): Promise<Buffer> {
    let id: string;
    try {
      assertKeyRef(keyRef);
      id = entryId(keyRef, context, wrapped);
    } catch (error) {
      return Promise.reject(error);
    }
    this.sweep();
    const entry = this.#byRecency.get(id);
    // sweep() stops at the first entry still young; a clock set back can leave an older one behind it.
    if (entry && this.#expired(entry, this.#clock.now())) this.#drop(entry);
    else if (entry) {
      this.#hits += 1;
      return Promise.resolve(this.#use(entry));
    }
    this.#misses += 1;
    const load = this.#loads.get(id) ?? this.#startLoad(id, wrapped, context, keyRef);
    return new Promise((resolve, reject) => load.waiters.push({ resolve, reject }));
  }

  /** Passed through: KMS re-wraps without exposing the plaintext, so there is nothing to cache. */
  reWrapDataKey(
    wrapped: Buffer,
    fromContext: EncryptionContext,
    fromKeyRef: string,
    toKeyRef: string,
    toContext: EncryptionContext,
  ): Promise<{ wrapped: Buffer; keyId: string }> {
    this.#providerCalls += 1;
    return this.#provider.reWrapDataKey(wrapped, fromContext, fromKeyRef, toKeyRef, toContext);
  }

  /** Passed through; a key found disabled, gone or denied also drops what is cached under it. */
  check(keyRef: string): Promise<void> {
    return this.#call(keyRef, () => this.#provider.check(keyRef));
  }

  /** Drops the entry of one wrapped key (and a load of it in flight). True when there was one. */
  forget(keyRef: string, context: EncryptionContext, wrapped: Buffer): boolean {
    const id = entryId(keyRef, context, wrapped);
    const entry = this.#byRecency.get(id);
    if (entry) this.#drop(entry);
    const load = this.#loads.get(id);
    if (load) this.#cancel(id, load);
    return entry !== undefined || load !== undefined;
  }

  /**
   * Drops every entry (and load in flight) whose context and keyRef match, for erasure:
   * `forgetWhere((context) => context['brandstack:user'] === userId)`. Returns how many entries
   * were dropped.
   */
  forgetWhere(predicate: (context: EncryptionContext, keyRef: string) => boolean): number {
    let dropped = 0;
    for (const entry of [...this.#byRecency.values()]) {
      if (predicate(entry.context, entry.keyRef)) {
        this.#drop(entry);
        dropped += 1;
      }
    }
    for (const [id, load] of [...this.#loads]) if (predicate(load.context, load.keyRef)) this.#cancel(id, load);
    return dropped;
  }

  /** Drops (and zero-fills) every entry: for shutdown, or when the provider configuration changes. */
  clear(): void {
    this.forgetWhere(() => true);
  }

  /** Drops the entries older than maxAgeSeconds; returns how many. Every cache call runs it. */
  sweep(): number {
    const now = this.#clock.now();
    let dropped = 0;
    for (const entry of this.#byAge.values()) {
      if (!this.#expired(entry, now)) break;
      this.#drop(entry);
      dropped += 1;
    }
    return dropped;
  }

  stats(): DataKeyCacheStats {
    return { hits: this.#hits, misses: this.#misses, providerCalls: this.#providerCalls, entries: this.#byRecency.size };
  }

  #startLoad(id: string, wrapped: Buffer, context: EncryptionContext, keyRef: string): Load {
    const load: Load = { keyRef, context: frozenContext(context), kept: true, waiters: [] };
    this.#loads.set(id, load);
    this.#providerCalls += 1;
    let pending: Promise<Buffer>;
    try {
      pending = this.#provider.decryptDataKey(wrapped, context, keyRef);
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (plaintext) => {
        if (this.#loads.get(id) === load) this.#loads.delete(id);
        // Copies are made now, before anything can evict (and zero) the cached buffer.
        for (const waiter of load.waiters) waiter.resolve(Buffer.from(plaintext));
        if (load.kept) this.#store(id, keyRef, load.context, plaintext, load.waiters.length);
        else plaintext.fill(0);
      },
      (error: unknown) => {
        if (this.#loads.get(id) === load) this.#loads.delete(id);
        this.#afterFailure(keyRef, error);
        for (const waiter of load.waiters) waiter.reject(error);
      },
    );
    return load;
  }

  async #call<T>(keyRef: string, call: () => Promise<T>): Promise<T> {
    this.#providerCalls += 1;
    try {
      return await call();
    } catch (error) {
      this.#afterFailure(keyRef, error);
      throw error;
    }
  }

  #afterFailure(keyRef: string, error: unknown): void {
    if (error instanceof KeyUnavailable && KEY_ENDED.has(error.reason)) this.forgetWhere((_context, ref) => ref === keyRef);
  }

  /** `uses` already made of the plaintext; an entry used up on arrival is not kept. */
  #store(id: string, keyRef: string, context: EncryptionContext, plaintext: Buffer, uses: number): void {
    if (uses >= this.maxUses) {
      plaintext.fill(0);
      return;
    }
    const previous = this.#byRecency.get(id);
    if (previous) this.#drop(previous);
    const entry: Entry = { id, keyRef, context, plaintext, loadedAt: this.#clock.now(), uses };
    this.#byRecency.set(id, entry);
    this.#byAge.set(id, entry);
    while (this.#byRecency.size > this.maxEntries) this.#drop(this.#byRecency.values().next().value as Entry);
  }

  #use(entry: Entry): Buffer {
    entry.uses += 1;
    const copy = Buffer.from(entry.plaintext);
    if (entry.uses >= this.maxUses) {
      this.#drop(entry);
    } else {
      this.#byRecency.delete(entry.id);
      this.#byRecency.set(entry.id, entry);
    }
    return copy;
  }

  #expired(entry: Entry, now: number): boolean {
    return now - entry.loadedAt >= this.maxAgeSeconds * 1000;
  }

  #drop(entry: Entry): void {
    this.#byRecency.delete(entry.id);
    this.#byAge.delete(entry.id);
    entry.plaintext.fill(0);
  }

  #cancel(id: string, load: Load): void {
    load.kept = false;
    this.#loads.delete(id);
  }
}

/** SHA-256 over length-prefixed fields, so no two (keyRef, context, wrapped) triples share an input. */
function entryId(keyRef: string, context: EncryptionContext, wrapped: Buffer): string {
  if (!Buffer.isBuffer(wrapped)) throw new KeyUnavailable('invalid_ciphertext', keyRef, { detail: 'the wrapped data key is not a Buffer' });
  const hash = createHash('sha256').update('brandstack/data-key-cache/v1');
  for (const field of [Buffer.from(keyRef, 'utf8'), Buffer.from(canonicalContext(context), 'utf8'), wrapped]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(field.length);
    hash.update(length).update(field);
  }
  return hash.digest('hex');
}

function bound(value: number | undefined, fallback: number, option: string, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    const allowed = integer ? `an integer from ${min} to ${max}` : `a number of seconds above 0 and at most ${max}`;
    throw new InvalidKeyProviderConfig(option, `the data-key cache's ${option} must be ${allowed}; got ${String(value)}`);
  }
  return value;
}
