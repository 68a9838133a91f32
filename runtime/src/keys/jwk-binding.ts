import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { KeyUnsealFailed } from '../errors/operator-errors';
import type { PublicJwk } from '../store/identity-store';
import { publicJwkOf, rsaThumbprint } from './rsa-key';

/**
 * What an attestation covers: the tenant, the kid and the key's RFC 7638 thumbprint (which is
 * over exactly `e`, `kty`, `n`), under a versioned label. NUL cannot occur in any of them.
 */
export function publicJwkAttestationInput(tenantId: string, jwk: PublicJwk): Buffer {
  return Buffer.from(`brandstack/signing-key/public/v1\0${tenantId}\0${jwk.kid}\0${rsaThumbprint(jwk.n, jwk.e)}`, 'utf8');
}

/** What a document attestation covers: tenant, purpose and the document's SHA-256. */
export function documentAttestationInput(tenantId: string, purpose: string, document: Buffer): Buffer {
  return Buffer.from(`brandstack/document/v1\0${tenantId}\0${purpose}\0${createHash('sha256').update(document).digest('base64url')}`, 'utf8');
}

/** The kid must be the JWK's own RFC 7638 thumbprint (keys/rsa-key.ts makes it so). */
export function kidMatches(jwk: PublicJwk): boolean {
  return jwk.kty === 'RSA' && jwk.kid === rsaThumbprint(jwk.n, jwk.e);
}

/** Throws KeyUnsealFailed unless the opened private key is the one the row's public JWK describes. */
export function assertPrivateMatchesPublic(privateKey: KeyObject, jwk: PublicJwk): void {
  const actual = publicJwkOf(privateKey);
  if (actual.n !== jwk.n || actual.e !== jwk.e || !kidMatches(jwk)) {
    throw new KeyUnsealFailed(jwk.kid, { detail: 'the stored public JWK is not the public half of the sealed private key' });
  }
}
