import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidKeyRequest, KeyUnavailable, UnusableKeyFile } from '../../../runtime/src/errors/key-errors';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';

const GLOBEX = 'alias/brandstack/acme/globex';
const INITECH = 'alias/brandstack/acme/initech';
const CONTEXT = { 'brandstack:customer': 'globex', 'brandstack:tenant': 'shop', 'brandstack:user': 'u-1' };

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyUnavailable);
  return (error as KeyUnavailable).reason;
}

const directory = mkdtempSync(join(tmpdir(), 'bs-local-keys-'));
let files = 0;
const freshPath = () => join(directory, `keys-${(files += 1)}`, 'local-keys.json');

describe('LocalKeyProvider', () => {
  test('round trip: a 32-byte key, wrapped as version 1 (61 bytes), keyId the keyRef; the context order does not matter', async () => {
    const provider = LocalKeyProvider.ephemeral();
    const generated = await provider.generateDataKey(GLOBEX, CONTEXT);
    expect(generated.plaintext).toHaveLength(32);
    expect(generated.keyId).toBe(GLOBEX);
    expect(generated.wrapped).toHaveLength(61);
    expect(generated.wrapped[0]).toBe(0x01);
    expect(generated.wrapped.includes(generated.plaintext)).toBe(false);

    const reordered = { 'brandstack:user': 'u-1', 'brandstack:tenant': 'shop', 'brandstack:customer': 'globex' };
    expect((await provider.decryptDataKey(generated.wrapped, reordered, GLOBEX)).equals(generated.plaintext)).toBe(true);
    // Fresh keys and fresh IVs.
    const second = await provider.generateDataKey(GLOBEX, CONTEXT);
    expect(second.plaintext.equals(generated.plaintext)).toBe(false);
    expect(second.wrapped.subarray(1, 13).equals(generated.wrapped.subarray(1, 13))).toBe(false);
  });

  test('a wrong context, another keyRef or altered bytes give invalid_ciphertext; a keyRef with no key gives not_found', async () => {
    const provider = LocalKeyProvider.ephemeral();
    const { wrapped } = await provider.generateDataKey(GLOBEX, CONTEXT);
    await provider.generateDataKey(INITECH, CONTEXT); // INITECH now has a key of its own

    // The row moved to another user, tenant or customer; a pair added or dropped; a case change.
    for (const context of [
      { ...CONTEXT, 'brandstack:user': 'u-2' },
      { ...CONTEXT, 'brandstack:tenant': 'other' },
      { ...CONTEXT, extra: '' },
      { 'brandstack:customer': 'globex', 'brandstack:tenant': 'shop' },
      { ...CONTEXT, 'brandstack:user': 'U-1' },
    ]) {
      expect(await reason(provider.decryptDataKey(wrapped, context, GLOBEX))).toBe('invalid_ciphertext');
    }
    expect(await reason(provider.decryptDataKey(wrapped, CONTEXT, INITECH))).toBe('invalid_ciphertext');
    // Every region of the blob is authenticated: version, IV, ciphertext, tag.
    for (const index of [0, 1, 12, 13, 44, 45, 60]) {
      const altered = Buffer.from(wrapped);
      altered[index]! ^= 0x01;
      expect(await reason(provider.decryptDataKey(altered, CONTEXT, GLOBEX))).toBe('invalid_ciphertext');
    }
    expect(await reason(provider.decryptDataKey(wrapped.subarray(0, 60), CONTEXT, GLOBEX))).toBe('invalid_ciphertext');
    expect(await reason(provider.decryptDataKey(Buffer.concat([wrapped, Buffer.of(0)]), CONTEXT, GLOBEX))).toBe('invalid_ciphertext');
    expect(await reason(provider.decryptDataKey(wrapped, CONTEXT, 'alias/brandstack/acme/never-made'))).toBe('not_found');

    // A different provider (another process's ephemeral keys) cannot open it either.
    const other = LocalKeyProvider.ephemeral();
    await other.generateDataKey(GLOBEX, CONTEXT);
    expect(await reason(other.decryptDataKey(wrapped, CONTEXT, GLOBEX))).toBe('invalid_ciphertext');
  });

  test('the error names the key and never the wrapped bytes', async () => {
    const provider = LocalKeyProvider.ephemeral();
    const { wrapped } = await provider.generateDataKey(GLOBEX, CONTEXT);
    const error = (await provider.decryptDataKey(wrapped, { ...CONTEXT, 'brandstack:user': 'u-2' }, GLOBEX).catch((e: unknown) => e)) as KeyUnavailable;
    expect(error).toMatchObject({ code: 'key_unavailable', status: 503, reason: 'invalid_ciphertext', keyRef: GLOBEX });
    for (const text of [error.description, error.detail!]) {
      expect(text).toContain(GLOBEX);
      expect(text).not.toContain(wrapped.toString('base64'));
      expect(text).not.toContain(wrapped.toString('hex'));
    }
  });

  test('reWrapDataKey moves the same data key to another keyRef and context; the old context no longer fits the new blob', async () => {
    const provider = LocalKeyProvider.ephemeral();
    const generated = await provider.generateDataKey(GLOBEX, CONTEXT);
    const toContext = { ...CONTEXT, 'brandstack:customer': 'initech' };
    const moved = await provider.reWrapDataKey(generated.wrapped, CONTEXT, GLOBEX, INITECH, toContext);
    expect(moved.keyId).toBe(INITECH);
    expect((await provider.decryptDataKey(moved.wrapped, toContext, INITECH)).equals(generated.plaintext)).toBe(true);
    expect(await reason(provider.decryptDataKey(moved.wrapped, CONTEXT, INITECH))).toBe('invalid_ciphertext');
    expect(await reason(provider.decryptDataKey(moved.wrapped, toContext, GLOBEX))).toBe('invalid_ciphertext');
    // A wrong source context is refused like a Decrypt would be.
    expect(await reason(provider.reWrapDataKey(generated.wrapped, toContext, GLOBEX, INITECH, toContext))).toBe('invalid_ciphertext');
  });

  test('disable() makes every call under that keyRef fail with disabled, like a disabled KMS key; enable() restores it', async () => {
    const provider = LocalKeyProvider.ephemeral();
    const { wrapped, plaintext } = await provider.generateDataKey(GLOBEX, CONTEXT);
    const other = await provider.generateDataKey(INITECH, CONTEXT);
    provider.disable(GLOBEX);

    expect(await reason(provider.generateDataKey(GLOBEX, CONTEXT))).toBe('disabled');
    expect(await reason(provider.decryptDataKey(wrapped, CONTEXT, GLOBEX))).toBe('disabled');
    expect(await reason(provider.check(GLOBEX))).toBe('disabled');
    expect(await reason(provider.reWrapDataKey(wrapped, CONTEXT, GLOBEX, INITECH, CONTEXT))).toBe('disabled');
    expect(await reason(provider.reWrapDataKey(other.wrapped, CONTEXT, INITECH, GLOBEX, CONTEXT))).toBe('disabled');
    // Other keys are unaffected.
    expect((await provider.decryptDataKey(other.wrapped, CONTEXT, INITECH)).equals(other.plaintext)).toBe(true);
    await expect(provider.check(INITECH)).resolves.toBeUndefined();

    provider.enable(GLOBEX);
    expect((await provider.decryptDataKey(wrapped, CONTEXT, GLOBEX)).equals(plaintext)).toBe(true);
  });

  test('malformed keyRefs and contexts are refused with the allowed forms, before anything else', async () => {
    const provider = LocalKeyProvider.ephemeral();
    await expect(provider.generateDataKey('globex', CONTEXT)).rejects.toThrow(InvalidKeyRequest);
    await expect(provider.generateDataKey('alias/has space', CONTEXT)).rejects.toThrow(/keyRef must be an alias name/);
    await expect(provider.generateDataKey(GLOBEX, {})).rejects.toThrow(/at least one key-value pair/);
    await expect(provider.decryptDataKey(randomBytes(61), null as unknown as Record<string, string>, GLOBEX)).rejects.toThrow(/context must be an object/);
    expect(() => provider.disable('nope')).toThrow(InvalidKeyRequest);
    expect(provider.keyRefs()).toEqual([]);
  });

  describe('key files', () => {
    test('loadOrCreate creates the file with mode 0600, writes each new key before using it, and a restart opens what was wrapped', async () => {
      const path = freshPath();
      const first = LocalKeyProvider.loadOrCreate(path);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({});

      const generated = await first.generateDataKey(GLOBEX, CONTEXT);
      const onDisk = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
      expect(Object.keys(onDisk)).toEqual([GLOBEX]);
      expect(Buffer.from(onDisk[GLOBEX]!, 'base64')).toHaveLength(32);
      expect(statSync(path).mode & 0o777).toBe(0o600);

      const restarted = LocalKeyProvider.loadOrCreate(path);
      expect((await restarted.decryptDataKey(generated.wrapped, CONTEXT, GLOBEX)).equals(generated.plaintext)).toBe(true);
      const readOnly = LocalKeyProvider.fromFile(path);
      expect((await readOnly.decryptDataKey(generated.wrapped, CONTEXT, GLOBEX)).equals(generated.plaintext)).toBe(true);
    });

    test('concurrent first uses of a new keyRef make one key, and every blob they wrapped opens after a restart', async () => {
      const path = freshPath();
      const provider = LocalKeyProvider.loadOrCreate(path);
      const generated = await Promise.all(Array.from({ length: 8 }, (_, i) => provider.generateDataKey(i % 2 === 0 ? GLOBEX : INITECH, CONTEXT)));
      expect(Object.keys(JSON.parse(readFileSync(path, 'utf8'))).sort()).toEqual([GLOBEX, INITECH]);
      const restarted = LocalKeyProvider.fromFile(path);
      for (const [i, { wrapped, plaintext }] of generated.entries()) {
        expect((await restarted.decryptDataKey(wrapped, CONTEXT, i % 2 === 0 ? GLOBEX : INITECH)).equals(plaintext)).toBe(true);
      }
    });

    test('two processes on one file: each adds its keys without dropping the other\'s, and finds keys the other added', async () => {
      const path = freshPath();
      const a = LocalKeyProvider.loadOrCreate(path);
      const b = LocalKeyProvider.loadOrCreate(path);
      const fromA = await a.generateDataKey(GLOBEX, CONTEXT);
      const fromB = await b.generateDataKey(INITECH, CONTEXT);
      expect(Object.keys(JSON.parse(readFileSync(path, 'utf8'))).sort()).toEqual([GLOBEX, INITECH]);
      // b loaded before a wrote GLOBEX: it re-reads the file for a keyRef it does not know.
      expect((await b.decryptDataKey(fromA.wrapped, CONTEXT, GLOBEX)).equals(fromA.plaintext)).toBe(true);
      expect((await a.decryptDataKey(fromB.wrapped, CONTEXT, INITECH)).equals(fromB.plaintext)).toBe(true);
      // And b wraps new GLOBEX data under a's key, not a second GLOBEX key of its own.
      const again = await b.generateDataKey(GLOBEX, CONTEXT);
      expect((await a.decryptDataKey(again.wrapped, CONTEXT, GLOBEX)).equals(again.plaintext)).toBe(true);
    });

    test('fromFile serves only the keys in the file: another keyRef is not_found, for generate, decrypt and check', async () => {
      const path = freshPath();
      const writer = LocalKeyProvider.loadOrCreate(path);
      await writer.generateDataKey(GLOBEX, CONTEXT);
      const provider = LocalKeyProvider.fromFile(path);
      expect(provider.keyRefs()).toEqual([GLOBEX]);
      await expect(provider.check(GLOBEX)).resolves.toBeUndefined();
      expect(await reason(provider.check(INITECH))).toBe('not_found');
      expect(await reason(provider.generateDataKey(INITECH, CONTEXT))).toBe('not_found');
      expect(await reason(provider.decryptDataKey(randomBytes(61), CONTEXT, INITECH))).toBe('not_found');
      expect(Object.keys(JSON.parse(readFileSync(path, 'utf8')))).toEqual([GLOBEX]);
    });

    test('a file replaced under a running provider with another key for a keyRef it uses is refused, naming the path', async () => {
      const path = freshPath();
      const provider = LocalKeyProvider.loadOrCreate(path);
      await provider.generateDataKey(GLOBEX, CONTEXT);
      writeFileSync(path, JSON.stringify({ [GLOBEX]: randomBytes(32).toString('base64') }), { mode: 0o600 });
      await expect(provider.generateDataKey(INITECH, CONTEXT)).rejects.toThrow(UnusableKeyFile);
      await expect(provider.generateDataKey(INITECH, CONTEXT)).rejects.toThrow(`the local key file ${path} now holds another key for ${GLOBEX}`);
    });

    const secret = randomBytes(32).toString('base64');
    test.each([
      ['not JSON', `{"${GLOBEX}": "${secret}"`, /is not JSON/],
      ['an array', `["${secret}"]`, /must hold a JSON object/],
      ['a keyRef that is no alias or ARN', JSON.stringify({ globex: secret }), /names "globex", which is not an alias name/],
      ['a key of 31 bytes', JSON.stringify({ [GLOBEX]: randomBytes(31).toString('base64') }), /holds no base64 32-byte key for alias\/brandstack\/acme\/globex/],
      ['a key of 33 bytes', JSON.stringify({ [GLOBEX]: randomBytes(33).toString('base64') }), /holds no base64 32-byte key/],
      ['a key that is no string', JSON.stringify({ [GLOBEX]: 42 }), /holds no base64 32-byte key/],
      ['url-safe base64 with junk', JSON.stringify({ [GLOBEX]: `${secret.slice(0, 40)}-_!=` }), /holds no base64 32-byte key/],
    ])('a file holding %s is refused with an error naming the path and not echoing the content', (_what, content, message) => {
      const path = freshPath();
      LocalKeyProvider.loadOrCreate(path); // makes the directory and a 0600 file
      writeFileSync(path, content);
      for (const open of [() => LocalKeyProvider.fromFile(path), () => LocalKeyProvider.loadOrCreate(path)]) {
        let error: unknown;
        try {
          open();
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(UnusableKeyFile);
        expect((error as UnusableKeyFile).path).toBe(path);
        expect((error as UnusableKeyFile).message).toContain(path);
        expect((error as UnusableKeyFile).message).toMatch(message);
        expect((error as UnusableKeyFile).message).not.toContain(secret);
        expect((error as UnusableKeyFile).message).not.toContain(secret.slice(0, 40));
      }
    });

    test('a file group or others may read is refused until it is chmod 600', () => {
      const path = freshPath();
      LocalKeyProvider.loadOrCreate(path);
      chmodSync(path, 0o644);
      expect(() => LocalKeyProvider.fromFile(path)).toThrow(`the local key file ${path} may be read by group or others (mode 0644); chmod 600 it`);
      expect(() => LocalKeyProvider.loadOrCreate(path)).toThrow(UnusableKeyFile);
      chmodSync(path, 0o600);
      expect(() => LocalKeyProvider.fromFile(path)).not.toThrow();
    });

    test('a missing file for fromFile, or a path that cannot be created, names the path and the system error', () => {
      const missing = join(directory, 'no-such-file.json');
      expect(() => LocalKeyProvider.fromFile(missing)).toThrow(`the local key file ${missing} cannot be read: ENOENT`);
      const blocker = join(directory, 'a-file');
      writeFileSync(blocker, 'x');
      const impossible = join(blocker, 'keys.json');
      expect(() => LocalKeyProvider.loadOrCreate(impossible)).toThrow(UnusableKeyFile);
      // mkdir -p meets a file where a directory should be: Node reports EEXIST.
    expect(() => LocalKeyProvider.loadOrCreate(impossible)).toThrow(`the local key file ${impossible} cannot be created: EEXIST`);
      expect(() => LocalKeyProvider.fromFile(directory)).toThrow(`the local key file ${directory} is not a regular file`);
    });
  });
});
