import { createCipheriv, createDecipheriv, createPrivateKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { KeyUnsealFailed } from '../errors/operator-errors';
import { RuntimeError } from '../errors/runtime-error';
import type { EncryptionContext, KeyProvider } from '../key-providers/key-provider';
import type { PublicJwk } from '../store/identity-store';
import { documentAttestationInput, publicJwkAttestationInput } from './jwk-binding';
import type { KeySealer } from './key-sealer';
import type { SigningKeySealer } from './signing-key-sealer';

const VERSION = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EnvelopeKeySealerOptions {
  /** The data-key provider (KMS in production, SIGNING_KEY_SEAL), behind the DataKeyCache. */
  keys: KeyProvider;
  /** The brand platform key: `alias/brandstack/<brand>/platform` (lib/config/naming.ts). */
  platformKeyRef: string;
  /** KEY_ENCRYPTION_KEY, to open rows sealed before issue 14 (version 1) and check their attestations. @default none */
  legacy?: KeySealer;
}

/**
 * Signing keys sealed with data keys from the brand platform key (issue 14 §7): each private key
 * under its own data key, generated with encryption context tenant and kid, so KMS itself refuses
 * to unwrap it for another tenant or key, and CloudTrail names the tenant and kid of every unwrap.
 * The GCM AAD repeats tenant and kid. Attestations of public JWKs are GCM tags over an empty
 * plaintext with the JWK's attestation input as AAD, under a data key of their own.
 *
 * Blob: version(2) | u16 wrapped length | wrapped data key | u16 key id length | key id (the
 * master key's ARN, so Decrypt names the key that wrapped it even after an alias moves) | iv(12)
 * | tag(16) | ciphertext. Version 1 blobs (KeySealer, KEY_ENCRYPTION_KEY) still open through
 * `legacy`, which is the migration path: rotation replaces them with version 2 keys.
 */
export class EnvelopeKeySealer implements SigningKeySealer {
  readonly name: string;
  readonly #options: EnvelopeKeySealerOptions;

  constructor(options: EnvelopeKeySealerOptions) {
    this.#options = options;
    this.name = `${options.keys.name}:${options.platformKeyRef}`;
  }

  async seal(privateKey: KeyObject, tenantId: string, kid: string): Promise<Buffer> {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    try {
      return await this.#encrypt(context(tenantId, kid, 'private-key'), sealAad(tenantId, kid), der);
    } finally {
      der.fill(0);
    }
  }

  async open(sealed: Buffer, tenantId: string, kid: string): Promise<KeyObject> {
    if (sealed[0] === 1) {
      if (!this.#options.legacy) throw new KeyUnsealFailed(kid, { detail: 'sealed under KEY_ENCRYPTION_KEY (version 1), which is not configured' });
      return this.#options.legacy.openSync(sealed, tenantId, kid);
    }
    const der = await this.#decrypt(sealed, context(tenantId, kid, 'private-key'), sealAad(tenantId, kid), kid);
    try {
      return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    } catch (error) {
      throw new KeyUnsealFailed(kid, { cause: error, detail: 'the opened bytes are not a PKCS#8 key' });
    } finally {
      der.fill(0);
    }
  }

  async attest(tenantId: string, jwk: PublicJwk): Promise<Buffer> {
    return this.#encrypt(context(tenantId, jwk.kid, 'public-key'), publicJwkAttestationInput(tenantId, jwk), Buffer.alloc(0));
  }

  async verify(attestation: Buffer, tenantId: string, jwk: PublicJwk): Promise<boolean> {
    // A 32-byte HMAC is a version 1 attestation (KeySealer), made for a row from before.
    if (attestation.length === 32) return this.#options.legacy ? this.#options.legacy.verify(attestation, tenantId, jwk) : false;
    try {
      await this.#decrypt(attestation, context(tenantId, jwk.kid, 'public-key'), publicJwkAttestationInput(tenantId, jwk), jwk.kid);
      return true;
    } catch (error) {
      if (error instanceof KeyUnsealFailed) return false;
      // The wrapped key does not open under this tenant's and kid's context: not this key's attestation.
      if (error instanceof RuntimeError && error.code === 'key_unavailable' && (error as { reason?: string }).reason === 'invalid_ciphertext') return false;
      throw error;
    }
  }

  async attestDocument(tenantId: string, purpose: string, document: Buffer): Promise<Buffer> {
    return this.#encrypt(documentContext(tenantId, purpose), documentAttestationInput(tenantId, purpose, document), Buffer.alloc(0));
  }

  async verifyDocument(attestation: Buffer, tenantId: string, purpose: string, document: Buffer): Promise<boolean> {
    if (attestation.length === 32) return this.#options.legacy ? this.#options.legacy.verifyDocument(attestation, tenantId, purpose, document) : false;
    try {
      await this.#decrypt(attestation, documentContext(tenantId, purpose), documentAttestationInput(tenantId, purpose, document), purpose);
      return true;
    } catch (error) {
      if (error instanceof KeyUnsealFailed) return false;
      if (error instanceof RuntimeError && error.code === 'key_unavailable' && (error as { reason?: string }).reason === 'invalid_ciphertext') return false;
      throw error;
    }
  }

  async #encrypt(encryptionContext: EncryptionContext, aad: Buffer, plaintext: Buffer): Promise<Buffer> {
    const dataKey = await this.#options.keys.generateDataKey(this.#options.platformKeyRef, encryptionContext);
    try {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', dataKey.plaintext, iv);
      cipher.setAAD(aad);
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const keyId = Buffer.from(dataKey.keyId, 'utf8');
      return Buffer.concat([Buffer.of(VERSION), u16(dataKey.wrapped.length), dataKey.wrapped, u16(keyId.length), keyId, iv, cipher.getAuthTag(), ciphertext]);
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  async #decrypt(blob: Buffer, encryptionContext: EncryptionContext, aad: Buffer, kid: string): Promise<Buffer> {
    const parsed = parse(blob);
    if (!parsed) throw new KeyUnsealFailed(kid, { detail: 'not a sealed blob of version 2' });
    const dataKey = await this.#options.keys.decryptDataKey(parsed.wrapped, encryptionContext, parsed.keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', dataKey, parsed.iv);
      decipher.setAAD(aad);
      decipher.setAuthTag(parsed.tag);
      return Buffer.concat([decipher.update(parsed.ciphertext), decipher.final()]);
    } catch (error) {
      throw new KeyUnsealFailed(kid, { cause: error });
    } finally {
      dataKey.fill(0);
    }
  }
}

/** KMS encryption context of a signing key's data keys: tenant, kid, and what it protects. */
function context(tenantId: string, kid: string, purpose: 'private-key' | 'public-key'): EncryptionContext {
  return { 'brandstack:tenant': tenantId, 'brandstack:kid': kid, 'brandstack:purpose': `signing-${purpose}` };
}

function documentContext(tenantId: string, purpose: string): EncryptionContext {
  return { 'brandstack:tenant': tenantId, 'brandstack:purpose': `document:${purpose}` };
}

function sealAad(tenantId: string, kid: string): Buffer {
  return Buffer.from(`brandstack/signing-key/v${VERSION}\0${tenantId}\0${kid}`, 'utf8');
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function parse(blob: Buffer): { wrapped: Buffer; keyId: string; iv: Buffer; tag: Buffer; ciphertext: Buffer } | undefined {
  if (blob.length < 5 || blob[0] !== VERSION) return undefined;
  let at = 1;
  const wrappedLength = blob.readUInt16BE(at);
  at += 2;
  const wrapped = blob.subarray(at, at + wrappedLength);
  at += wrappedLength;
  if (at + 2 > blob.length) return undefined;
  const keyIdLength = blob.readUInt16BE(at);
  at += 2;
  const keyId = blob.subarray(at, at + keyIdLength).toString('utf8');
  at += keyIdLength;
  if (at + IV_BYTES + TAG_BYTES > blob.length || wrapped.length !== wrappedLength) return undefined;
  return { wrapped, keyId, iv: blob.subarray(at, at + IV_BYTES), tag: blob.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES), ciphertext: blob.subarray(at + IV_BYTES + TAG_BYTES) };
}
