import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual } from 'node:crypto';
import { KeyUnavailable, UnusableKeyFile } from '../errors/key-errors';
import { assertEncryptionContext, canonicalContext } from './encryption-context';
import { DATA_KEY_BYTES } from './key-provider';
import type { EncryptionContext, GeneratedDataKey, KeyProvider } from './key-provider';
import { assertKeyRef } from './key-ref';
import { createKeyFileSync, readKeyFile, readKeyFileSync, writeKeyFile } from './local-key-file';
import type { LocalKeys } from './local-key-file';

/*
 * Wrapped format, version 1: 0x01 || iv (12) || ciphertext (32) || tag (16).
 * AES-256-GCM with a random 96-bit IV (NIST SP 800-38D §8.2.2); the version byte lets a later
 * format be told apart from this one.
 */
const VERSION = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const WRAPPED_BYTES = 1 + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/**
 * The `local` key provider, for `npm start` and tests: one AES-256 master key per keyRef, held
 * by this process, standing in for the customer's KMS key. It behaves like KMS where the
 * callers can tell: the context and the keyRef are authenticated (AAD), so a wrong context,
 * another keyRef or altered bytes give `invalid_ciphertext`; a disabled key gives `disabled`;
 * an unknown key `not_found`. It is not a production provider: the master keys sit in process
 * memory (and in the key file), outside any HSM and any audit trail.
 *
 * Three ways to start it:
 * - {@link LocalKeyProvider.ephemeral}: keys made on first use, gone with the process (tests, `npm start` in memory).
 * - {@link LocalKeyProvider.loadOrCreate}: keys kept in a file, created with mode 0600 if missing; a key made on first use is written to the file before it wraps anything.
 * - {@link LocalKeyProvider.fromFile}: only the keys the file holds; any other keyRef is `not_found`.
 */
export class LocalKeyProvider implements KeyProvider {
  readonly name = 'local';
  readonly #keys: LocalKeys;
  readonly #file: string | undefined;
  readonly #createOnDemand: boolean;
  readonly #disabled = new Set<string>();
  readonly #creating = new Map<string, Promise<Buffer>>();
  /** File updates run one at a time, so two new keys cannot overwrite each other's write. */
  #fileUpdates: Promise<unknown> = Promise.resolve();

  private constructor(keys: LocalKeys, file: string | undefined, createOnDemand: boolean) {
    this.#keys = keys;
    this.#file = file;
    this.#createOnDemand = createOnDemand;
  }

  /** Master keys made on first use of a keyRef and kept in memory only. */
  static ephemeral(): LocalKeyProvider {
    return new LocalKeyProvider(new Map(), undefined, true);
  }

  /** The keys of `path` and no others. Throws UnusableKeyFile (naming the path) if it is unreadable, malformed or too open. */
  static fromFile(path: string): LocalKeyProvider {
    return new LocalKeyProvider(readKeyFileSync(path), path, false);
  }

  /**
   * The keys of `path`, creating the file (mode 0600) when it is missing; a keyRef not in it yet
   * gets a new key, written to the file before the first data key is wrapped with it.
   */
  static loadOrCreate(path: string): LocalKeyProvider {
    createKeyFileSync(path);
    return new LocalKeyProvider(readKeyFileSync(path), path, true);
  }

  /** Like KMS DisableKey: every call naming `keyRef` fails with `disabled` until {@link enable}. */
  disable(keyRef: string): void {
    assertKeyRef(keyRef);
    this.#disabled.add(keyRef);
  }

  /** Like KMS EnableKey. */
  enable(keyRef: string): void {
    assertKeyRef(keyRef);
    this.#disabled.delete(keyRef);
  }

  /** The keyRefs this provider holds a master key for (never the keys). */
  keyRefs(): string[] {
    return [...this.#keys.keys()].sort();
  }

  async generateDataKey(keyRef: string, context: EncryptionContext): Promise<GeneratedDataKey> {
    assertKeyRef(keyRef);
    assertEncryptionContext(context);
    this.#assertEnabled(keyRef);
    const master = await this.#masterForWrapping(keyRef);
    const plaintext = randomBytes(DATA_KEY_BYTES);
    return { plaintext, wrapped: wrap(master, keyRef, context, plaintext), keyId: keyRef };
  }

  async decryptDataKey(wrapped: Buffer, context: EncryptionContext, keyRef: string): Promise<Buffer> {
    assertKeyRef(keyRef);
    assertEncryptionContext(context);
    this.#assertEnabled(keyRef);
    return unwrap(await this.#existingMaster(keyRef), keyRef, context, wrapped);
  }

  async reWrapDataKey(
    wrapped: Buffer,
    fromContext: EncryptionContext,
    fromKeyRef: string,
    toKeyRef: string,
    toContext: EncryptionContext,
  ): Promise<{ wrapped: Buffer; keyId: string }> {
    assertKeyRef(fromKeyRef, 'fromKeyRef');
    assertKeyRef(toKeyRef, 'toKeyRef');
    assertEncryptionContext(fromContext, 'fromContext');
    assertEncryptionContext(toContext, 'toContext');
    const disabled = [fromKeyRef, toKeyRef].find((keyRef) => this.#disabled.has(keyRef));
    if (disabled !== undefined) throw new KeyUnavailable('disabled', fromKeyRef, { toKeyRef, detail: `local key ${disabled} is disabled` });
    const plaintext = unwrap(await this.#existingMaster(fromKeyRef), fromKeyRef, fromContext, wrapped);
    try {
      const master = await this.#masterForWrapping(toKeyRef);
      return { wrapped: wrap(master, toKeyRef, toContext, plaintext), keyId: toKeyRef };
    } finally {
      plaintext.fill(0);
    }
  }

  /** The key is enabled and exists (for a provider that makes keys on first use, every keyRef "exists"). */
  async check(keyRef: string): Promise<void> {
    assertKeyRef(keyRef);
    this.#assertEnabled(keyRef);
    if (!this.#createOnDemand) await this.#existingMaster(keyRef);
  }

  #assertEnabled(keyRef: string): void {
    if (this.#disabled.has(keyRef)) throw new KeyUnavailable('disabled', keyRef, { detail: `local key ${keyRef} is disabled` });
  }

  /** The master key of `keyRef`; a file-backed provider re-reads its file once for a keyRef another process may have added. */
  async #existingMaster(keyRef: string): Promise<Buffer> {
    const known = this.#keys.get(keyRef);
    if (known) return known;
    if (this.#file !== undefined) {
      await this.#serialised(async () => this.#adopt(await readKeyFile(this.#file!)));
      const added = this.#keys.get(keyRef);
      if (added) return added;
    }
    throw new KeyUnavailable('not_found', keyRef, { detail: this.#file === undefined ? 'no local key was made for it' : `not in ${this.#file}` });
  }

  async #masterForWrapping(keyRef: string): Promise<Buffer> {
    const known = this.#keys.get(keyRef);
    if (known) return known;
    if (!this.#createOnDemand) return this.#existingMaster(keyRef);
    if (this.#file === undefined) {
      const key = randomBytes(DATA_KEY_BYTES);
      this.#keys.set(keyRef, key);
      return key;
    }
    let creating = this.#creating.get(keyRef);
    if (!creating) {
      creating = this.#serialised(() => this.#createInFile(this.#file!, keyRef)).finally(() => this.#creating.delete(keyRef));
      this.#creating.set(keyRef, creating);
    }
    return creating;
  }

  /**
   * Read, merge, write: a key another process wrote for the same keyRef meanwhile wins (nothing
   * was wrapped with ours yet), and keys it added for other keyRefs are kept.
   */
  async #createInFile(file: string, keyRef: string): Promise<Buffer> {
    const onDisk = await readKeyFile(file);
    this.#adopt(onDisk);
    const existing = this.#keys.get(keyRef);
    if (existing) return existing;
    const key = randomBytes(DATA_KEY_BYTES);
    const next = new Map(onDisk);
    for (const [ref, material] of this.#keys) next.set(ref, material);
    next.set(keyRef, key);
    await writeKeyFile(file, next);
    this.#keys.set(keyRef, key);
    return key;
  }

  /** Takes keyRefs the file gained; a keyRef whose key changed under us means the file was tampered with or replaced. */
  #adopt(onDisk: LocalKeys): void {
    for (const [keyRef, material] of onDisk) {
      const held = this.#keys.get(keyRef);
      if (held === undefined) this.#keys.set(keyRef, material);
      else if (!timingSafeEqual(held, material)) {
        throw new UnusableKeyFile(this.#file!, `the local key file ${this.#file} now holds another key for ${keyRef} than this process loaded; restore it`);
      }
    }
  }

  #serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#fileUpdates.then(work, work);
    this.#fileUpdates = result.catch(() => undefined);
    return result;
  }
}

/** AAD: format, keyRef and canonical context, NUL-separated (a keyRef cannot contain NUL). */
function aad(keyRef: string, context: EncryptionContext): Buffer {
  return Buffer.from(`brandstack/local-data-key/v1\0${keyRef}\0${canonicalContext(context)}`, 'utf8');
}

function wrap(master: Buffer, keyRef: string, context: EncryptionContext, plaintext: Buffer): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', master, iv);
  cipher.setAAD(aad(keyRef, context));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, ciphertext, cipher.getAuthTag()]);
}

function unwrap(master: Buffer, keyRef: string, context: EncryptionContext, wrapped: Buffer): Buffer {
  if (!Buffer.isBuffer(wrapped) || wrapped.length !== WRAPPED_BYTES || wrapped[0] !== VERSION) {
    throw new KeyUnavailable('invalid_ciphertext', keyRef, { detail: `not a local wrapped data key of version ${VERSION} (${WRAPPED_BYTES} bytes)` });
  }
  const iv = wrapped.subarray(1, 1 + IV_BYTES);
  const ciphertext = wrapped.subarray(1 + IV_BYTES, WRAPPED_BYTES - TAG_BYTES);
  const tag = wrapped.subarray(WRAPPED_BYTES - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', master, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyRef, context));
    decipher.setAuthTag(tag);
    // GCM's final() yields no bytes; returning update()'s buffer avoids an unzeroed copy.
    const plaintext = decipher.update(ciphertext);
    try {
      decipher.final();
    } catch (error) {
      plaintext.fill(0);
      throw error;
    }
    return plaintext;
  } catch (error) {
    // GCM says only that authentication failed: the key, the keyRef, the context or the bytes differ.
    throw new KeyUnavailable('invalid_ciphertext', keyRef, { cause: error, detail: 'AES-256-GCM authentication failed' });
  }
}
