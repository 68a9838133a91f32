import { createHash, randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  DescribeKeyCommand,
  DisabledException,
  GenerateDataKeyCommand,
  InvalidCiphertextException,
  KMSClient,
  KMSInvalidStateException,
  KMSServiceException,
  NotFoundException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import type { DecryptCommandInput } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidKeyProviderConfig, KeyUnavailable } from '../../../runtime/src/errors/key-errors';
import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import type { EncryptionContext, GeneratedDataKey, KeyProvider } from '../../../runtime/src/key-providers/key-provider';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';

const GLOBEX = 'alias/brandstack/acme/globex';
const INITECH = 'alias/brandstack/acme/initech';
const META = { $metadata: {} };
const modelled = { message: 'from KMS', $metadata: { httpStatusCode: 400 } };

function userContext(user: string, customer = 'globex'): EncryptionContext {
  return { 'brandstack:customer': customer, 'brandstack:tenant': 'shop', 'brandstack:user': user };
}

/** What the KMS stand-in "decrypts" a blob to: a function of the blob, so each entry's key is known. */
function keyOf(blob: Uint8Array): Buffer {
  return createHash('sha256').update(blob).digest();
}

class ManualClock {
  constructor(public ms = 1_700_000_000_000) {}
  now = (): number => this.ms;
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyUnavailable);
  return (error as KeyUnavailable).reason;
}

describe('DataKeyCache over KMS (aws-sdk-client-mock): the bounds hold, counted in KMS calls', () => {
  const kms = mockClient(KMSClient);
  const kmsProvider = new KmsKeyProvider(new KMSClient({ region: 'eu-west-1' }));
  const decrypts = () => kms.commandCalls(DecryptCommand).length;
  const blobs = { a: randomBytes(184), b: randomBytes(184), c: randomBytes(184) };

  beforeEach(() => {
    kms.reset();
    kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => ({ Plaintext: new Uint8Array(keyOf(input.CiphertextBlob!)), ...META }));
  });

  test('a warm read costs no KMS call; the context and KeyId still went to KMS on the cold one', async () => {
    const cache = new DataKeyCache(kmsProvider);
    for (let i = 0; i < 3; i += 1) {
      expect((await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX)).equals(keyOf(blobs.a))).toBe(true);
    }
    expect(decrypts()).toBe(1);
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input).toMatchObject({ KeyId: GLOBEX, EncryptionContext: userContext('u-1') });
    expect(cache.stats()).toEqual({ hits: 2, misses: 1, providerCalls: 1, entries: 1 });
  });

  test('a key just generated is read back without a Decrypt', async () => {
    const plaintext = randomBytes(32);
    const blob = randomBytes(184);
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(plaintext), CiphertextBlob: blob, KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab', ...META });
    const cache = new DataKeyCache(kmsProvider);
    const generated = await cache.generateDataKey(GLOBEX, userContext('u-1'));
    expect(generated.plaintext.equals(plaintext)).toBe(true);
    expect((await cache.decryptDataKey(generated.wrapped, userContext('u-1'), GLOBEX)).equals(plaintext)).toBe(true);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(1);
    expect(decrypts()).toBe(0);
    expect(cache.stats()).toEqual({ hits: 1, misses: 0, providerCalls: 1, entries: 1 });
  });

  test('maxEntries: beyond it the least recently used entry goes, and costs a KMS call when next needed', async () => {
    const cache = new DataKeyCache(kmsProvider, { maxEntries: 2 });
    const read = (blob: Buffer) => cache.decryptDataKey(blob, userContext('u-1'), GLOBEX);
    await read(blobs.a); // miss
    await read(blobs.b); // miss
    await read(blobs.a); // hit: a is now the most recently used
    await read(blobs.c); // miss: evicts b
    expect(decrypts()).toBe(3);
    await read(blobs.a); // still cached
    expect(decrypts()).toBe(3);
    await read(blobs.b); // evicted: back to KMS
    expect(decrypts()).toBe(4);
    expect(cache.stats().entries).toBe(2);
  });

  test('maxAgeSeconds: an entry serves until its age reaches the bound, then KMS is asked again', async () => {
    const clock = new ManualClock();
    const cache = new DataKeyCache(kmsProvider, { maxAgeSeconds: 300, clock });
    const read = () => cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX);
    await read();
    clock.ms += 299_999;
    await read();
    expect(decrypts()).toBe(1);
    clock.ms += 1;
    await read();
    expect(decrypts()).toBe(2);
    // The age runs from the new load.
    clock.ms += 299_999;
    await read();
    expect(decrypts()).toBe(2);
  });

  test('maxUses: after that many uses (the loading one included) the entry is dropped and the next use calls KMS', async () => {
    const cache = new DataKeyCache(kmsProvider, { maxUses: 3 });
    for (let i = 0; i < 7; i += 1) await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX);
    // uses 1-3 on the first Decrypt, 4-6 on the second, 7 on the third
    expect(decrypts()).toBe(3);
    expect(cache.stats()).toMatchObject({ hits: 4, misses: 3, providerCalls: 3 });
  });

  test('the context and keyRef are part of the entry: a cached key is never served for another context or key', async () => {
    kms.on(DecryptCommand, { EncryptionContext: userContext('u-2') }).rejects(new InvalidCiphertextException(modelled));
    const cache = new DataKeyCache(kmsProvider);
    await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX);
    // The same blob moved to another user's row: KMS is asked, and refuses.
    expect(await reason(cache.decryptDataKey(blobs.a, userContext('u-2'), GLOBEX))).toBe('invalid_ciphertext');
    // The same blob and context named under another key: KMS is asked.
    await cache.decryptDataKey(blobs.a, userContext('u-1'), INITECH);
    expect(decrypts()).toBe(3);
    expect(kms.commandCalls(DecryptCommand).map((call) => call.args[0].input.KeyId)).toEqual([GLOBEX, GLOBEX, INITECH]);
  });

  test.each([
    ['AccessDeniedException', 'access_denied', () => new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'no' })],
    ['DisabledException', 'disabled', () => new DisabledException(modelled)],
    ['KMSInvalidStateException', 'invalid_state', () => new KMSInvalidStateException(modelled)],
    ['ThrottlingException', 'throttled', () => new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'slow down' })],
  ])('a %s is a clear %s failure with nothing cached: the next read asks KMS again', async (_name, expected, makeError) => {
    kms.on(DecryptCommand).rejectsOnce(makeError()).callsFake((input: DecryptCommandInput) => ({ Plaintext: new Uint8Array(keyOf(input.CiphertextBlob!)), ...META }));
    const cache = new DataKeyCache(kmsProvider);
    expect(await reason(cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX))).toBe(expected);
    expect(cache.stats()).toMatchObject({ entries: 0, providerCalls: 1 });
    expect((await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX)).equals(keyOf(blobs.a))).toBe(true);
    expect(decrypts()).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 1, providerCalls: 2 });
  });

  test('KMS saying a key is disabled (or gone) drops every entry under that key at once; other keys stay', async () => {
    const cache = new DataKeyCache(kmsProvider);
    await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX);
    await cache.decryptDataKey(blobs.b, userContext('u-2'), GLOBEX);
    await cache.decryptDataKey(blobs.c, userContext('u-1', 'initech'), INITECH);
    expect(cache.stats().entries).toBe(3);

    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Disabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }, ...META });
    expect(await reason(cache.check(GLOBEX))).toBe('disabled');
    expect(cache.stats().entries).toBe(1);

    kms.on(DecryptCommand).rejects(new DisabledException(modelled));
    // Both GLOBEX reads go to KMS now and fail; INITECH is still served from memory.
    expect(await reason(cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX))).toBe('disabled');
    expect(await reason(cache.decryptDataKey(blobs.b, userContext('u-2'), GLOBEX))).toBe('disabled');
    expect((await cache.decryptDataKey(blobs.c, userContext('u-1', 'initech'), INITECH)).equals(keyOf(blobs.c))).toBe(true);

    // A failing Decrypt of one wrapped key clears the others under the same key too.
    kms.reset();
    kms.on(DecryptCommand).callsFake((input: DecryptCommandInput) => ({ Plaintext: new Uint8Array(keyOf(input.CiphertextBlob!)), ...META }));
    await cache.decryptDataKey(blobs.a, userContext('u-1'), INITECH);
    expect(cache.stats().entries).toBe(2);
    kms.on(DecryptCommand).rejects(new NotFoundException(modelled));
    expect(await reason(cache.decryptDataKey(blobs.b, userContext('u-9'), INITECH))).toBe('not_found');
    expect(cache.stats().entries).toBe(0);
  });

  test('concurrent misses for one entry share one Decrypt; each caller gets its own copy', async () => {
    const cache = new DataKeyCache(kmsProvider);
    const results = await Promise.all(Array.from({ length: 20 }, () => cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX)));
    expect(decrypts()).toBe(1);
    for (const result of results) expect(result.equals(keyOf(blobs.a))).toBe(true);
    expect(new Set(results).size).toBe(20);
    results[0]!.fill(0); // one caller zeroing its copy touches nobody else's
    expect(results[1]!.equals(keyOf(blobs.a))).toBe(true);
    expect(cache.stats()).toEqual({ hits: 0, misses: 20, providerCalls: 1, entries: 1 });
    expect((await cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX)).equals(keyOf(blobs.a))).toBe(true);
  });

  test('concurrent misses that fail share the failure, and leave nothing behind', async () => {
    kms.on(DecryptCommand).rejects(new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'slow down' }));
    const cache = new DataKeyCache(kmsProvider);
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => cache.decryptDataKey(blobs.a, userContext('u-1'), GLOBEX)));
    expect(decrypts()).toBe(1);
    expect(outcomes.every((outcome) => outcome.status === 'rejected' && (outcome.reason as KeyUnavailable).reason === 'throttled')).toBe(true);
    expect(cache.stats().entries).toBe(0);
  });

  test('reWrapDataKey and check pass through to KMS and count as provider calls', async () => {
    kms.on(ReEncryptCommand).resolves({ CiphertextBlob: randomBytes(184), KeyId: 'arn:aws:kms:eu-west-1:123456789012:key/9876fedc-12ab-34cd-56ef-1234567890ab', ...META });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }, ...META });
    const cache = new DataKeyCache(kmsProvider);
    expect(cache.name).toBe('kms');
    await cache.reWrapDataKey(blobs.a, userContext('u-1'), GLOBEX, INITECH, userContext('u-1', 'initech'));
    await cache.check(GLOBEX);
    expect(kms.commandCalls(ReEncryptCommand)).toHaveLength(1);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
    expect(cache.stats()).toEqual({ hits: 0, misses: 0, providerCalls: 2, entries: 0 });
  });
});

/**
 * A real (local) provider that keeps a reference to every plaintext buffer it hands the cache,
 * so a test can see the cache zero-fill its own buffers, and can hold decrypts in flight.
 */
class RecordingProvider implements KeyProvider {
  readonly name = 'local';
  readonly inner = LocalKeyProvider.ephemeral();
  readonly handedOut: Buffer[] = [];
  decrypts = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }
  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }
  async generateDataKey(keyRef: string, context: EncryptionContext): Promise<GeneratedDataKey> {
    return this.inner.generateDataKey(keyRef, context);
  }
  async decryptDataKey(wrapped: Buffer, context: EncryptionContext, keyRef: string): Promise<Buffer> {
    this.decrypts += 1;
    await this.#gate;
    const plaintext = await this.inner.decryptDataKey(wrapped, context, keyRef);
    this.handedOut.push(plaintext);
    return plaintext;
  }
  reWrapDataKey(wrapped: Buffer, fromContext: EncryptionContext, fromKeyRef: string, toKeyRef: string, toContext: EncryptionContext) {
    return this.inner.reWrapDataKey(wrapped, fromContext, fromKeyRef, toKeyRef, toContext);
  }
  check(keyRef: string): Promise<void> {
    return this.inner.check(keyRef);
  }
}

const zeroed = (buffer: Buffer) => buffer.every((byte) => byte === 0);

describe('DataKeyCache: zero-fill and forgetting', () => {
  async function wrappedKeys(provider: RecordingProvider, users: string[]) {
    const keys = new Map<string, GeneratedDataKey>();
    for (const user of users) keys.set(user, await provider.inner.generateDataKey(GLOBEX, userContext(user)));
    return keys;
  }

  test('evicted, expired, used-up, forgotten and cleared entries are zero-filled; callers\' copies are not touched', async () => {
    const provider = new RecordingProvider();
    const clock = new ManualClock();
    const keys = await wrappedKeys(provider, ['u-1', 'u-2', 'u-3', 'u-4', 'u-5']);
    const cache = new DataKeyCache(provider, { maxEntries: 2, maxAgeSeconds: 60, maxUses: 3, clock });
    const read = (user: string) => cache.decryptDataKey(keys.get(user)!.wrapped, userContext(user), GLOBEX);

    // Count: u-1 and u-2 fill the cache, u-3 evicts u-1.
    const copy1 = await read('u-1');
    await read('u-2');
    await read('u-3');
    const [held1, held2, held3] = provider.handedOut;
    expect(zeroed(held1!)).toBe(true);
    expect(zeroed(held2!) || zeroed(held3!)).toBe(false);
    expect(copy1.equals(keys.get('u-1')!.plaintext)).toBe(true);

    // Age: after 60 s the next call sweeps u-2 and u-3 out.
    clock.ms += 60_000;
    await read('u-4');
    expect(zeroed(held2!) && zeroed(held3!)).toBe(true);
    const held4 = provider.handedOut[3]!;

    // Uses: u-4 was loaded (use 1); two more uses exhaust it.
    await read('u-4');
    expect(zeroed(held4)).toBe(false);
    const lastCopy = await read('u-4');
    expect(zeroed(held4)).toBe(true);
    expect(lastCopy.equals(keys.get('u-4')!.plaintext)).toBe(true);

    // forget(): one wrapped key.
    await read('u-5');
    const held5 = provider.handedOut[4]!;
    expect(cache.forget(GLOBEX, userContext('u-5'), keys.get('u-5')!.wrapped)).toBe(true);
    expect(zeroed(held5)).toBe(true);
    expect(cache.forget(GLOBEX, userContext('u-5'), keys.get('u-5')!.wrapped)).toBe(false);

    // clear(): everything.
    await read('u-1');
    const held1Again = provider.handedOut[5]!;
    cache.clear();
    expect(zeroed(held1Again)).toBe(true);
    expect(cache.stats().entries).toBe(0);
  });

  test('a caller mutating its copy does not change what the next caller gets', async () => {
    const provider = new RecordingProvider();
    const keys = await wrappedKeys(provider, ['u-1']);
    const cache = new DataKeyCache(provider);
    const first = await cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX);
    first.fill(0xff);
    expect((await cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX)).equals(keys.get('u-1')!.plaintext)).toBe(true);
  });

  test('forgetWhere drops one user\'s entries on erasure; other users stay, and the erased user\'s next read goes to the provider', async () => {
    const provider = new RecordingProvider();
    const cache = new DataKeyCache(provider);
    const u1 = await cache.generateDataKey(GLOBEX, userContext('u-1'));
    const u1Index = await cache.generateDataKey(GLOBEX, { ...userContext('u-1'), 'brandstack:purpose': 'index' });
    const u2 = await cache.generateDataKey(GLOBEX, userContext('u-2'));
    expect(cache.stats().entries).toBe(3);

    expect(cache.forgetWhere((context) => context['brandstack:user'] === 'u-1')).toBe(2);
    expect(cache.stats().entries).toBe(1);
    await cache.decryptDataKey(u2.wrapped, userContext('u-2'), GLOBEX);
    expect(provider.decrypts).toBe(0);
    await cache.decryptDataKey(u1.wrapped, userContext('u-1'), GLOBEX);
    await cache.decryptDataKey(u1Index.wrapped, { ...userContext('u-1'), 'brandstack:purpose': 'index' }, GLOBEX);
    expect(provider.decrypts).toBe(2);
    // The predicate sees the keyRef too.
    expect(cache.forgetWhere((_context, keyRef) => keyRef === INITECH)).toBe(0);
    expect(cache.forgetWhere((_context, keyRef) => keyRef === GLOBEX)).toBe(3);
  });

  test('a load in flight when its user is forgotten still answers its callers, but is not cached', async () => {
    const provider = new RecordingProvider();
    const keys = await wrappedKeys(provider, ['u-1']);
    const cache = new DataKeyCache(provider);
    provider.hold();
    const pending = cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX);
    await new Promise((resolve) => setImmediate(resolve));
    cache.forgetWhere((context) => context['brandstack:user'] === 'u-1');
    provider.release();
    expect((await pending).equals(keys.get('u-1')!.plaintext)).toBe(true);
    expect(cache.stats().entries).toBe(0);
    expect(zeroed(provider.handedOut[0]!)).toBe(true);
    await cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX);
    expect(provider.decrypts).toBe(2);
  });

  test('a read after an erasure does not join the load the erasure forgot', async () => {
    const provider = new RecordingProvider();
    const keys = await wrappedKeys(provider, ['u-1']);
    const cache = new DataKeyCache(provider);
    provider.hold();
    const before = cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX);
    await new Promise((resolve) => setImmediate(resolve));
    cache.forgetWhere((context) => context['brandstack:user'] === 'u-1');
    const after = cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX);
    provider.release();
    await Promise.all([before, after]);
    expect(provider.decrypts).toBe(2);
    expect(cache.stats().entries).toBe(1); // the load that started after the erasure
  });

  test('callers joining a load count as uses: more joiners than maxUses share one call and leave no entry', async () => {
    const provider = new RecordingProvider();
    const keys = await wrappedKeys(provider, ['u-1']);
    const cache = new DataKeyCache(provider, { maxUses: 2 });
    await Promise.all(Array.from({ length: 5 }, () => cache.decryptDataKey(keys.get('u-1')!.wrapped, userContext('u-1'), GLOBEX)));
    expect(provider.decrypts).toBe(1);
    expect(cache.stats().entries).toBe(0);
    expect(zeroed(provider.handedOut[0]!)).toBe(true);
  });

  test('maxUses 1 caches nothing: every read is a provider call', async () => {
    const provider = new RecordingProvider();
    const cache = new DataKeyCache(provider, { maxUses: 1 });
    const generated = await cache.generateDataKey(GLOBEX, userContext('u-1'));
    expect(cache.stats().entries).toBe(0);
    for (let i = 0; i < 3; i += 1) await cache.decryptDataKey(generated.wrapped, userContext('u-1'), GLOBEX);
    expect(provider.decrypts).toBe(3);
  });

  test('the defaults are 10000 entries, 300 seconds and 10000 uses', () => {
    const cache = new DataKeyCache(new RecordingProvider());
    expect({ maxEntries: cache.maxEntries, maxAgeSeconds: cache.maxAgeSeconds, maxUses: cache.maxUses }).toEqual({ maxEntries: 10_000, maxAgeSeconds: 300, maxUses: 10_000 });
  });

  test.each([
    [{ maxEntries: 0 }, 'maxEntries', /maxEntries must be an integer from 1 to 1000000; got 0/],
    [{ maxEntries: 2.5 }, 'maxEntries', /maxEntries must be an integer/],
    [{ maxAgeSeconds: 0 }, 'maxAgeSeconds', /maxAgeSeconds must be a number of seconds above 0 and at most 86400; got 0/],
    [{ maxAgeSeconds: Number.NaN }, 'maxAgeSeconds', /got NaN/],
    [{ maxAgeSeconds: 86_401 }, 'maxAgeSeconds', /at most 86400/],
    [{ maxUses: -1 }, 'maxUses', /maxUses must be an integer from 1 to 4294967296; got -1/],
  ])('options %o are refused, naming %s and the allowed values', (options, option, message) => {
    expect(() => new DataKeyCache(new RecordingProvider(), options)).toThrow(InvalidKeyProviderConfig);
    expect(() => new DataKeyCache(new RecordingProvider(), options)).toThrow(message);
    try {
      new DataKeyCache(new RecordingProvider(), options);
    } catch (error) {
      expect((error as InvalidKeyProviderConfig).option).toBe(option);
    }
  });

  test('malformed requests are refused without a provider call', async () => {
    const provider = new RecordingProvider();
    const cache = new DataKeyCache(provider);
    await expect(cache.decryptDataKey(randomBytes(61), {}, GLOBEX)).rejects.toThrow(/at least one key-value pair/);
    await expect(cache.decryptDataKey(randomBytes(61), userContext('u-1'), 'globex')).rejects.toThrow(/keyRef must be/);
    expect(provider.decrypts).toBe(0);
    expect(cache.stats()).toEqual({ hits: 0, misses: 0, providerCalls: 0, entries: 0 });
  });
});
