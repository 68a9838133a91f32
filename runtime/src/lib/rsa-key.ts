import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The issue and RFC 7518 §3.3 both require RS256 keys of at least 2048 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

/** A public signing key as published in a JWKS (RFC 7517 §4, RFC 7518 §6.3.1). */
export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

/** An RS256 key pair with its published form; the private half never leaves a KeyObject. */
export interface RsaSigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicJwk: PublicJwk;
}

/**
 * The kid is the RFC 7638 JWK thumbprint, so the same key always has the same kid and a kid
 * can never name two different keys, across restarts and instances.
 */
export function rsaThumbprint(n: string, e: string): string {
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  return createHash('sha256').update(`{"e":"${e}","kty":"RSA","n":"${n}"}`).digest('base64url');
}

export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new TypeError('signing key must be an RSA key');
  }
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: rsaThumbprint(jwk.n, jwk.e), alg: 'RS256', use: 'sig' };
}

export function rsaSigningKey(privateKey: KeyObject): RsaSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new TypeError('signing key must be an RSA private key (RSASSA-PKCS1-v1_5, not RSA-PSS)');
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS) {
    throw new TypeError(`signing key must have at least ${MIN_RSA_MODULUS_BITS} bits, got ${bits}`);
  }
  const publicJwk = publicJwkOf(privateKey);
  return { kid: publicJwk.kid, privateKey, publicJwk };
}

/** Generation takes ~50–150 ms; the async form keeps the event loop serving meanwhile. */
export async function generateRsaSigningKey(modulusLength = MIN_RSA_MODULUS_BITS): Promise<RsaSigningKey> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength, publicExponent: 0x10001 });
  return rsaSigningKey(privateKey);
}

/** Reads a PEM (PKCS#1 or PKCS#8) private key, e.g. from SIGNING_KEY_FILE. */
export function rsaSigningKeyFromPem(pem: string | Buffer): RsaSigningKey {
  return rsaSigningKey(createPrivateKey({ key: pem, format: 'pem' }));
}

export function publicKeyFromJwk(jwk: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
}
