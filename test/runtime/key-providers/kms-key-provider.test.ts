import { randomBytes } from 'node:crypto';
import {
  DecryptCommand,
  DependencyTimeoutException,
  DescribeKeyCommand,
  DisabledException,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  InvalidKeyUsageException,
  KeyUnavailableException,
  KMSClient,
  KMSInternalException,
  KMSInvalidStateException,
  KMSServiceException,
  NotFoundException,
  ReEncryptCommand,
} from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidKeyRequest, KeyUnavailable } from '../../../runtime/src/errors/key-errors';
import type { KeyUnavailableReason } from '../../../runtime/src/errors/key-errors';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';

const ALIAS = 'alias/brandstack/acme/globex';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const OTHER_ALIAS = 'alias/brandstack/acme/initech';
const OTHER_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/9876fedc-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { 'brandstack:customer': 'globex', 'brandstack:tenant': 'shop', 'brandstack:user': 'u-1' };
const META = { $metadata: {} };

/** The exceptions KMS raises, as the SDK raises them: modelled classes, and the unmodelled AccessDenied/Throttling by name. */
function serviceError(name: string): KMSServiceException {
  return new KMSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 400 }, message: `${name} from KMS` });
}
const modelled = { message: 'from KMS', $metadata: { httpStatusCode: 400 } };
const FAILURES: Array<[string, KeyUnavailableReason, () => unknown]> = [
  ['AccessDeniedException', 'access_denied', () => serviceError('AccessDeniedException')],
  ['ExpiredTokenException', 'access_denied', () => serviceError('ExpiredTokenException')],
  ['DisabledException', 'disabled', () => new DisabledException(modelled)],
  ['KMSInvalidStateException', 'invalid_state', () => new KMSInvalidStateException(modelled)],
  ['InvalidKeyUsageException', 'invalid_state', () => new InvalidKeyUsageException(modelled)],
  ['NotFoundException', 'not_found', () => new NotFoundException(modelled)],
  ['InvalidCiphertextException', 'invalid_ciphertext', () => new InvalidCiphertextException(modelled)],
  ['IncorrectKeyException', 'invalid_ciphertext', () => new IncorrectKeyException(modelled)],
  ['ThrottlingException', 'throttled', () => serviceError('ThrottlingException')],
  ['DependencyTimeoutException', 'unreachable', () => new DependencyTimeoutException(modelled)],
  ['KMSInternalException', 'unreachable', () => new KMSInternalException(modelled)],
  ['KeyUnavailableException', 'unreachable', () => new KeyUnavailableException(modelled)],
  ['a socket error', 'unreachable', () => Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { code: 'ECONNREFUSED' })],
  ['a timeout', 'unreachable', () => Object.assign(new Error('socket timed out'), { name: 'TimeoutError' })],
  ['an unclassified error', 'unreachable', () => serviceError('SomethingNewException')],
];

async function failure(promise: Promise<unknown>): Promise<KeyUnavailable> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyUnavailable);
  return error as KeyUnavailable;
}

describe('KmsKeyProvider (aws-sdk-client-mock)', () => {
  const kms = mockClient(KMSClient);
  const provider = new KmsKeyProvider(new KMSClient({ region: 'eu-west-1' }));
  beforeEach(() => kms.reset());

  test('GenerateDataKey asks for an AES_256 key under the named key with the encryption context, and zero-fills the SDK plaintext', async () => {
    const sdkPlaintext = new Uint8Array(randomBytes(32));
    const expected = Buffer.from(sdkPlaintext);
    const blob = randomBytes(184);
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: sdkPlaintext, CiphertextBlob: blob, KeyId: KEY_ARN, ...META });

    const generated = await provider.generateDataKey(ALIAS, CONTEXT);

    const calls = kms.commandCalls(GenerateDataKeyCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ KeyId: ALIAS, KeySpec: 'AES_256', EncryptionContext: CONTEXT });
    expect(generated.plaintext.equals(expected)).toBe(true);
    expect(generated.wrapped.equals(blob)).toBe(true);
    expect(generated.keyId).toBe(KEY_ARN);
    // The SDK's copy of the key does not linger in memory.
    expect(sdkPlaintext.every((byte) => byte === 0)).toBe(true);
  });

  test('Decrypt passes the KeyId, the encryption context and the algorithm, and returns the 32-byte key', async () => {
    const key = randomBytes(32);
    const blob = randomBytes(184);
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(key), KeyId: KEY_ARN, ...META });

    const plaintext = await provider.decryptDataKey(blob, CONTEXT, KEY_ARN);

    const calls = kms.commandCalls(DecryptCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input).toEqual({ CiphertextBlob: blob, KeyId: KEY_ARN, EncryptionContext: CONTEXT, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(plaintext.equals(key)).toBe(true);
  });

  test('the encryption context sent is a copy: mutating the caller object after the call changes nothing sent', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array(32), ...META });
    const context: Record<string, string> = { ...CONTEXT };
    await provider.decryptDataKey(randomBytes(100), context, ALIAS);
    context['brandstack:user'] = 'u-2';
    expect(kms.commandCalls(DecryptCommand)[0]!.args[0].input.EncryptionContext).toEqual(CONTEXT);
  });

  test('ReEncrypt moves a data key between keys and contexts inside KMS: no Decrypt, no plaintext', async () => {
    const blob = randomBytes(184);
    const moved = randomBytes(184);
    const toContext = { ...CONTEXT, 'brandstack:customer': 'initech' };
    kms.on(ReEncryptCommand).resolves({ CiphertextBlob: moved, KeyId: OTHER_ARN, SourceKeyId: KEY_ARN, ...META });

    const result = await provider.reWrapDataKey(blob, CONTEXT, ALIAS, OTHER_ALIAS, toContext);

    expect(result).toEqual({ wrapped: moved, keyId: OTHER_ARN });
    expect(kms.commandCalls(ReEncryptCommand)[0]!.args[0].input).toEqual({
      CiphertextBlob: blob,
      SourceKeyId: ALIAS,
      SourceEncryptionContext: CONTEXT,
      SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      DestinationKeyId: OTHER_ALIAS,
      DestinationEncryptionContext: toContext,
      DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    });
    expect(kms.commandCalls(DecryptCommand)).toHaveLength(0);
    expect(kms.commandCalls(GenerateDataKeyCommand)).toHaveLength(0);
  });

  describe('check: DescribeKey', () => {
    const metadata = { KeyId: KEY_ARN, KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' } as const;

    test('an enabled symmetric encryption key passes', async () => {
      kms.on(DescribeKeyCommand).resolves({ KeyMetadata: metadata, ...META });
      await expect(provider.check(ALIAS)).resolves.toBeUndefined();
      expect(kms.commandCalls(DescribeKeyCommand)[0]!.args[0].input).toEqual({ KeyId: ALIAS });
    });

    test.each([
      [{ ...metadata, KeyState: 'Disabled' as const }, 'disabled', 'KeyState Disabled'],
      [{ ...metadata, KeyState: 'PendingDeletion' as const }, 'invalid_state', 'KeyState PendingDeletion'],
      [{ ...metadata, KeyState: 'PendingImport' as const }, 'invalid_state', 'KeyState PendingImport'],
      [{ ...metadata, KeyState: 'Unavailable' as const }, 'invalid_state', 'KeyState Unavailable'],
      [{ ...metadata, KeyUsage: 'SIGN_VERIFY' as const, KeySpec: 'RSA_2048' as const }, 'invalid_state', 'KeyUsage SIGN_VERIFY'],
      [{ ...metadata, KeyUsage: 'GENERATE_VERIFY_MAC' as const, KeySpec: 'HMAC_256' as const }, 'invalid_state', 'KeySpec HMAC_256'],
    ])('%o is refused as %s', async (keyMetadata, reason, detail) => {
      kms.on(DescribeKeyCommand).resolves({ KeyMetadata: keyMetadata, ...META });
      const error = await failure(provider.check(ALIAS));
      expect(error.reason).toBe(reason);
      expect(error.keyRef).toBe(ALIAS);
      expect(error.detail).toContain(detail);
    });
  });

  describe('KMS exceptions become KeyUnavailable with the right reason, naming the key', () => {
    const operations: Array<[string, (typeof GenerateDataKeyCommand | typeof DecryptCommand | typeof ReEncryptCommand | typeof DescribeKeyCommand), () => Promise<unknown>]> = [
      ['generateDataKey', GenerateDataKeyCommand, () => provider.generateDataKey(ALIAS, CONTEXT)],
      ['decryptDataKey', DecryptCommand, () => provider.decryptDataKey(Buffer.from('wrapped-bytes-0123456789'), CONTEXT, ALIAS)],
      ['reWrapDataKey', ReEncryptCommand, () => provider.reWrapDataKey(Buffer.from('wrapped-bytes-0123456789'), CONTEXT, ALIAS, OTHER_ALIAS, CONTEXT)],
      ['check', DescribeKeyCommand, () => provider.check(ALIAS)],
    ];
    for (const [operation, command, call] of operations) {
      test.each(FAILURES)(`${operation}: %s gives %s`, async (_name, reason, makeError) => {
        const thrown = makeError();
        kms.on(command as typeof DecryptCommand).rejects(thrown as Error);
        const error = await failure(call());
        expect(error).toMatchObject({ code: 'key_unavailable', status: 503, reason, keyRef: ALIAS });
        expect(error.cause).toBe(thrown);
        expect(error.description).toContain(ALIAS);
        expect(error.detail).toContain(`reason=${reason}`);
        expect(error.detail).toContain(`keyRef=${ALIAS}`);
        if (operation === 'reWrapDataKey') expect(error).toMatchObject({ toKeyRef: OTHER_ALIAS });
        // Never the wrapped bytes, in any spelling.
        for (const text of [error.description, error.detail ?? '']) {
          expect(text).not.toContain('wrapped-bytes');
          expect(text).not.toContain(Buffer.from('wrapped-bytes-0123456789').toString('base64'));
        }
        expect(kms.commandCalls(command as typeof DecryptCommand)).toHaveLength(1);
      });
    }
  });

  test('a context mismatch on Decrypt (InvalidCiphertextException) is invalid_ciphertext, not a crash or garbage', async () => {
    kms.on(DecryptCommand, { EncryptionContext: CONTEXT }).resolves({ Plaintext: new Uint8Array(randomBytes(32)), ...META });
    kms.on(DecryptCommand, { EncryptionContext: { ...CONTEXT, 'brandstack:user': 'u-2' } }).rejects(new InvalidCiphertextException(modelled));
    await expect(provider.decryptDataKey(randomBytes(100), CONTEXT, ALIAS)).resolves.toHaveLength(32);
    const error = await failure(provider.decryptDataKey(randomBytes(100), { ...CONTEXT, 'brandstack:user': 'u-2' }, ALIAS));
    expect(error.reason).toBe('invalid_ciphertext');
  });

  test('answers without a usable key are refused, and the SDK plaintext is zero-filled', async () => {
    const short = new Uint8Array(randomBytes(16));
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: short, CiphertextBlob: randomBytes(10), KeyId: KEY_ARN, ...META });
    expect((await failure(provider.generateDataKey(ALIAS, CONTEXT))).reason).toBe('unreachable');
    expect(short.every((byte) => byte === 0)).toBe(true);

    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(32), KeyId: KEY_ARN, ...META });
    expect((await failure(provider.generateDataKey(ALIAS, CONTEXT))).reason).toBe('unreachable');

    // A ciphertext that opens but is no 32-byte data key (Encrypt of something else under the same key and context).
    const other = new Uint8Array(randomBytes(48));
    kms.on(DecryptCommand).resolves({ Plaintext: other, ...META });
    expect((await failure(provider.decryptDataKey(randomBytes(100), CONTEXT, ALIAS))).reason).toBe('invalid_ciphertext');
    expect(other.every((byte) => byte === 0)).toBe(true);

    kms.on(DescribeKeyCommand).resolves({ ...META });
    expect((await failure(provider.check(ALIAS))).reason).toBe('unreachable');
    kms.on(ReEncryptCommand).resolves({ KeyId: OTHER_ARN, ...META });
    expect((await failure(provider.reWrapDataKey(randomBytes(100), CONTEXT, ALIAS, OTHER_ALIAS, CONTEXT))).reason).toBe('unreachable');
  });

  test('malformed requests are refused before any KMS call, naming the culprit', async () => {
    await expect(provider.generateDataKey('globex', CONTEXT)).rejects.toThrow(InvalidKeyRequest);
    await expect(provider.generateDataKey('globex', CONTEXT)).rejects.toThrow(/keyRef must be an alias name \(alias\/\.\.\.\), an alias ARN or a key ARN.*got "globex"/);
    await expect(provider.generateDataKey('1234abcd-12ab-34cd-56ef-1234567890ab', CONTEXT)).rejects.toThrow(InvalidKeyRequest);
    await expect(provider.generateDataKey(ALIAS, {})).rejects.toThrow(/context must hold at least one key-value pair/);
    await expect(provider.generateDataKey(ALIAS, { a: 1 } as unknown as Record<string, string>)).rejects.toThrow(/context\["a"\] must be a string, got number/);
    await expect(provider.decryptDataKey(randomBytes(10), CONTEXT, 'arn:aws:kms:eu-west-1:123:key/x')).rejects.toThrow(InvalidKeyRequest);
    await expect(provider.reWrapDataKey(randomBytes(10), CONTEXT, ALIAS, 'alias/', CONTEXT)).rejects.toThrow(/toKeyRef must be/);
    await expect(provider.reWrapDataKey(randomBytes(10), CONTEXT, ALIAS, OTHER_ALIAS, [] as unknown as Record<string, string>)).rejects.toThrow(
      /toContext must be an object/,
    );
    expect((await failure(provider.decryptDataKey(Buffer.alloc(0), CONTEXT, ALIAS))).reason).toBe('invalid_ciphertext');
    expect((await failure(provider.decryptDataKey(Buffer.alloc(6145), CONTEXT, ALIAS))).reason).toBe('invalid_ciphertext');
    expect(kms.calls()).toHaveLength(0);
  });

  test('alias ARNs, key ARNs in other partitions and multi-Region key ARNs are accepted', async () => {
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k', KeyState: 'Enabled', KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'SYMMETRIC_DEFAULT' }, ...META });
    for (const keyRef of [
      'arn:aws:kms:eu-west-1:123456789012:alias/brandstack/acme/globex',
      'arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:eu-central-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
    ]) {
      await expect(provider.check(keyRef)).resolves.toBeUndefined();
    }
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(3);
  });
});
