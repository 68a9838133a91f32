import type { KeyObject } from 'node:crypto';
import type { PublicJwk } from '../store/identity-store';

/**
 * How private signing keys rest, and how their public halves are bound to them (issue 14 §7).
 *
 * - `seal`/`open`: the private key, encrypted with AAD naming tenant and kid. `open` also checks
 *   that the key it opened is the one the row's public JWK describes (same modulus and exponent,
 *   kid = RFC 7638 thumbprint), so a row whose public half was swapped does not sign or verify.
 * - `attest`/`verify`: a MAC-like attestation of a public JWK for a tenant, kept for every key,
 *   retired ones too (their private half is erased). The keyring publishes and verifies with a key
 *   only when its attestation verifies, so a database write alone cannot plant a verification key:
 *   it would need the sealing key (KMS, or the process-held one).
 *
 * Implementations: EnvelopeKeySealer (data keys from the brand platform key in KMS, or from the
 * local provider) and KeySealer (the static KEY_ENCRYPTION_KEY: `npm start`, tests, and opening
 * rows sealed before issue 14).
 */
export interface SigningKeySealer {
  readonly name: string;
  seal(privateKey: KeyObject, tenantId: string, kid: string): Promise<Buffer>;
  /** Throws KeyUnsealFailed when the blob does not open for this tenant and kid. */
  open(sealed: Buffer, tenantId: string, kid: string): Promise<KeyObject>;
  attest(tenantId: string, jwk: PublicJwk): Promise<Buffer>;
  /** False when the attestation is not this tenant's for exactly this JWK (or was made by another sealing key). */
  verify(attestation: Buffer, tenantId: string, jwk: PublicJwk): Promise<boolean>;
  /**
   * The same for any document the runtime trusts for verification, such as a private_key_jwt
   * client's registered JWKS: `purpose` names what it is (`client-jwks:<client_id>`), so an
   * attestation cannot be moved to another client.
   */
  attestDocument(tenantId: string, purpose: string, document: Buffer): Promise<Buffer>;
  verifyDocument(attestation: Buffer, tenantId: string, purpose: string, document: Buffer): Promise<boolean>;
}
