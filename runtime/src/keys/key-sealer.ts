import { createCipheriv, createDecipheriv, createHmac, createPrivateKey, KeyObject, randomBytes, timingSafeEqual } from 'node:crypto';
import { InsecureSecret, KeyUnsealFailed } from '../errors/operator-errors';
import type { PublicJwk } from '../store/identity-store';
import { documentAttestationInput, publicJwkAttestationInput } from './jwk-binding';
import type { SigningKeySealer } from './signing-key-sealer';

const VERSION = 1;
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit random IVs
const TAG_BYTES = 16;

/**
 * Encrypts private signing keys at rest with AES-256-GCM under a key-encryption key (KEK) held
 * outside the database (KEY_ENCRYPTION_KEY), as the reference design asks for all secrets.
 * The additional authenticated data binds each blob to its tenant and kid, so a row copied to
 * another tenant or key fails to open instead of silently signing for it.
 *
 * Layout: version (1) | iv (12) | tag (16) | ciphertext of the PKCS#8 DER.
 */
export class KeySealer implements SigningKeySealer {
  readonly name = 'key-encryption-key';
  readonly #kek: Buffer;
  readonly #macKey: Buffer;

  constructor(kek: Buffer) {
    if (kek.length !== 32) throw new InsecureSecret('the key-encryption key must be 32 bytes (AES-256)');
    this.#kek = Buffer.from(kek);
    // A separate key for attestations, derived with a fixed label (HMAC as a KDF, RFC 2104 §3).
    this.#macKey = createHmac('sha256', this.#kek).update('brandstack/signing-key/attestation/v1').digest();
  }

  /** A KEK that lives only as long as this process: right for the embedded in-memory store. */
  static ephemeral(): KeySealer {
    return new KeySealer(randomBytes(32));
  }

  async seal(privateKey: KeyObject, tenantId: string, kid: string): Promise<Buffer> {
    return this.sealSync(privateKey, tenantId, kid);
  }

  /** Version 1 sealing, synchronously: tests and the embedded store. */
  sealSync(privateKey: KeyObject, tenantId: string, kid: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#kek, iv);
    cipher.setAAD(aad(tenantId, kid));
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
    der.fill(0);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), ciphertext]);
  }

  async open(sealed: Buffer, tenantId: string, kid: string): Promise<KeyObject> {
    return this.openSync(sealed, tenantId, kid);
  }

  /** Opens a version 1 blob (also how EnvelopeKeySealer reads rows sealed before issue 14). */
  openSync(sealed: Buffer, tenantId: string, kid: string): KeyObject {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new KeyUnsealFailed(kid, { detail: 'not a sealed key of version 1' });
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#kek, iv);
      decipher.setAAD(aad(tenantId, kid));
      decipher.setAuthTag(tag);
      const der = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      return key;
    } catch (error) {
      // GCM says only that authentication failed; the KEK, the AAD or the bytes are wrong.
      throw new KeyUnsealFailed(kid, { cause: error });
    }
  }

  async attest(tenantId: string, jwk: PublicJwk): Promise<Buffer> {
    return createHmac('sha256', this.#macKey).update(publicJwkAttestationInput(tenantId, jwk)).digest();
  }

  async verify(attestation: Buffer, tenantId: string, jwk: PublicJwk): Promise<boolean> {
    const expected = await this.attest(tenantId, jwk);
    return attestation.length === expected.length && timingSafeEqual(attestation, expected);
  }

  async attestDocument(tenantId: string, purpose: string, document: Buffer): Promise<Buffer> {
    return createHmac('sha256', this.#macKey).update(documentAttestationInput(tenantId, purpose, document)).digest();
  }

  async verifyDocument(attestation: Buffer, tenantId: string, purpose: string, document: Buffer): Promise<boolean> {
    const expected = await this.attestDocument(tenantId, purpose, document);
    return attestation.length === expected.length && timingSafeEqual(attestation, expected);
  }
}

function aad(tenantId: string, kid: string): Buffer {
  return Buffer.from(`brandstack/signing-key/v1\0${tenantId}\0${kid}`);
}
