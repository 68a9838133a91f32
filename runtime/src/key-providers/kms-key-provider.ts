import { DecryptCommand, DescribeKeyCommand, GenerateDataKeyCommand, KMSClient, ReEncryptCommand } from '@aws-sdk/client-kms';
import { InvalidKeyProviderConfig, KeyUnavailable } from '../errors/key-errors';
import { assertEncryptionContext } from './encryption-context';
import { DATA_KEY_BYTES } from './key-provider';
import type { EncryptionContext, GeneratedDataKey, KeyProvider } from './key-provider';
import { assertKeyRef } from './key-ref';
import { kmsFailure } from './kms-failure';

/** Decrypt and ReEncrypt: CiphertextBlob is 1 to 6144 bytes (https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html#KMS-Decrypt-request-CiphertextBlob). */
const MAX_CIPHERTEXT_BYTES = 6144;

/** AWS Regions as the SDK's endpoint rules name them: eu-west-1, us-gov-east-1, ap-southeast-5... */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export interface KmsClientOptions {
  /** Overrides the regional endpoint (a test double, or a FIPS endpoint). @default the SDK's endpoint for the region */
  endpoint?: string;
  /** @default 1000 */
  connectionTimeoutMs?: number;
  /** Socket inactivity limit per attempt. @default 2000 */
  requestTimeoutMs?: number;
}

/**
 * Production key provider: AWS KMS through @aws-sdk/client-kms, with the credentials of the
 * runtime's EKS Pod Identity role (the SDK's default chain). Every cryptographic call passes
 * the encryption context, which the customer keys' policies require; Decrypt also passes the
 * KeyId, so a wrapped key is only accepted from the key the caller expects (KMS answers
 * IncorrectKeyException otherwise) rather than from whichever key the blob names.
 *
 * The role needs kms:GenerateDataKey, kms:Decrypt, kms:ReEncryptFrom, kms:ReEncryptTo and
 * kms:DescribeKey (for check) on the keys it names.
 */
export class KmsKeyProvider implements KeyProvider {
  readonly name = 'kms';
  readonly #client: KMSClient;

  /** @param client a KMSClient in the keys' region; tests inject one mocked with aws-sdk-client-mock. */
  constructor(client: KMSClient) {
    this.#client = client;
  }

  /**
   * A provider with its own client for `region`. Short timeouts and three attempts: KMS answers
   * within milliseconds when healthy, and a sign-in waiting on a dead connection should fail
   * fast with `unreachable` rather than hold the request (and a pool connection) for the SDK's
   * defaults. The SDK retries throttling, timeouts and 5xx with backoff within those attempts.
   */
  static forRegion(region: string, options: KmsClientOptions = {}): KmsKeyProvider {
    if (typeof region !== 'string' || !REGION.test(region)) {
      throw new InvalidKeyProviderConfig('region', `the KMS key provider needs an AWS Region such as eu-west-1; got "${String(region)}"`);
    }
    const connectionTimeout = positiveMs(options.connectionTimeoutMs, 1000, 'connectionTimeoutMs');
    const requestTimeout = positiveMs(options.requestTimeoutMs, 2000, 'requestTimeoutMs');
    const client = new KMSClient({
      region,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      maxAttempts: 3,
      // throwOnRequestTimeout: without it @smithy/node-http-handler only logs a warning when
      // requestTimeout passes and keeps waiting, so a silent endpoint would hold the call forever.
      requestHandler: { connectionTimeout, requestTimeout, throwOnRequestTimeout: true },
    });
    return new KmsKeyProvider(client);
  }

  /** https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKey.html */
  async generateDataKey(keyRef: string, context: EncryptionContext): Promise<GeneratedDataKey> {
    assertKeyRef(keyRef);
    assertEncryptionContext(context);
    let answer;
    try {
      answer = await this.#client.send(new GenerateDataKeyCommand({ KeyId: keyRef, KeySpec: 'AES_256', EncryptionContext: { ...context } }));
    } catch (error) {
      throw kmsFailure(error, 'GenerateDataKey', keyRef);
    }
    const { Plaintext, CiphertextBlob, KeyId } = answer;
    if (Plaintext?.length !== DATA_KEY_BYTES || !CiphertextBlob?.length || !KeyId) {
      Plaintext?.fill(0);
      throw new KeyUnavailable('unreachable', keyRef, { detail: 'kms:GenerateDataKey answered without a 32-byte plaintext, a ciphertext and a key id' });
    }
    const plaintext = Buffer.from(Plaintext);
    Plaintext.fill(0);
    return { plaintext, wrapped: Buffer.from(CiphertextBlob), keyId: KeyId };
  }

  /** https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html */
  async decryptDataKey(wrapped: Buffer, context: EncryptionContext, keyRef: string): Promise<Buffer> {
    assertKeyRef(keyRef);
    assertEncryptionContext(context);
    assertCiphertext(wrapped, keyRef);
    let answer;
    try {
      answer = await this.#client.send(
        new DecryptCommand({ CiphertextBlob: wrapped, KeyId: keyRef, EncryptionContext: { ...context }, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' }),
      );
    } catch (error) {
      throw kmsFailure(error, 'Decrypt', keyRef);
    }
    const { Plaintext } = answer;
    if (Plaintext?.length !== DATA_KEY_BYTES) {
      Plaintext?.fill(0);
      // The ciphertext opened, so it was made under this key and context, but it is no data key
      // of ours (Encrypt of something else): refuse it like any other wrong blob.
      throw new KeyUnavailable('invalid_ciphertext', keyRef, { detail: `kms:Decrypt returned ${Plaintext?.length ?? 0} bytes, not a 32-byte data key` });
    }
    const plaintext = Buffer.from(Plaintext);
    Plaintext.fill(0);
    return plaintext;
  }

  /**
   * https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html: KMS decrypts and
   * encrypts inside the service; the plaintext data key never reaches this process.
   */
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
    assertCiphertext(wrapped, fromKeyRef);
    let answer;
    try {
      answer = await this.#client.send(
        new ReEncryptCommand({
          CiphertextBlob: wrapped,
          SourceKeyId: fromKeyRef,
          SourceEncryptionContext: { ...fromContext },
          SourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          DestinationKeyId: toKeyRef,
          DestinationEncryptionContext: { ...toContext },
          DestinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        }),
      );
    } catch (error) {
      throw kmsFailure(error, 'ReEncrypt', fromKeyRef, toKeyRef);
    }
    if (!answer.CiphertextBlob?.length || !answer.KeyId) {
      throw new KeyUnavailable('unreachable', fromKeyRef, { toKeyRef, detail: 'kms:ReEncrypt answered without a ciphertext and a key id' });
    }
    return { wrapped: Buffer.from(answer.CiphertextBlob), keyId: answer.KeyId };
  }

  /**
   * https://docs.aws.amazon.com/kms/latest/APIReference/API_DescribeKey.html: the key must be
   * Enabled (https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html) and a
   * symmetric encryption key, the only kind GenerateDataKey accepts. DescribeKey needs no
   * encryption context, so this does not prove the context condition lets the role in: the
   * first GenerateDataKey or Decrypt does.
   */
  async check(keyRef: string): Promise<void> {
    assertKeyRef(keyRef);
    let answer;
    try {
      answer = await this.#client.send(new DescribeKeyCommand({ KeyId: keyRef }));
    } catch (error) {
      throw kmsFailure(error, 'DescribeKey', keyRef);
    }
    const metadata = answer.KeyMetadata;
    if (metadata === undefined) throw new KeyUnavailable('unreachable', keyRef, { detail: 'kms:DescribeKey answered without KeyMetadata' });
    if (metadata.KeyState === 'Disabled') throw new KeyUnavailable('disabled', keyRef, { detail: `KeyState ${metadata.KeyState}` });
    if (metadata.KeyState !== 'Enabled') throw new KeyUnavailable('invalid_state', keyRef, { detail: `KeyState ${metadata.KeyState ?? 'missing'}` });
    if (metadata.KeyUsage !== 'ENCRYPT_DECRYPT' || metadata.KeySpec !== 'SYMMETRIC_DEFAULT') {
      throw new KeyUnavailable('invalid_state', keyRef, {
        detail: `KeyUsage ${metadata.KeyUsage ?? 'missing'}, KeySpec ${metadata.KeySpec ?? 'missing'}: data keys need a SYMMETRIC_DEFAULT ENCRYPT_DECRYPT key`,
      });
    }
  }
}

function assertCiphertext(wrapped: Buffer, keyRef: string): void {
  if (!Buffer.isBuffer(wrapped) || wrapped.length === 0 || wrapped.length > MAX_CIPHERTEXT_BYTES) {
    // Stored state that cannot be a KMS ciphertext: no call could open it.
    throw new KeyUnavailable('invalid_ciphertext', keyRef, { detail: `a wrapped data key must be 1 to ${MAX_CIPHERTEXT_BYTES} bytes` });
  }
}

function positiveMs(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 60_000) {
    throw new InvalidKeyProviderConfig(option, `${option} must be an integer number of milliseconds from 1 to 60000; got ${String(value)}`);
  }
  return value;
}
