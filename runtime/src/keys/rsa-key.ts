import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { InvalidSigningKey } from '../errors/operator-errors';
import type { PublicJwk } from '../store/identity-store';

const generateKeyPairAsync = promisify(generateKeyPair);

/** The issue and RFC 7518 §3.3 both require RS256 keys of at least 2048 bits. */
export const MIN_RSA_MODULUS_BITS = 2048;

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

/** Throws InvalidSigningKey for a key that is not RSA. */
export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new InvalidSigningKey('signing key must be an RSA key');
  }
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid: rsaThumbprint(jwk.n, jwk.e), alg: 'RS256', use: 'sig' };
}

/** Throws InvalidSigningKey for anything but an RSA private key of at least 2048 bits. */
export function rsaSigningKey(privateKey: KeyObject): RsaSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'rsa') {
    throw new InvalidSigningKey('signing key must be an RSA private key (RSASSA-PKCS1-v1_5, not RSA-PSS)');
  }
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_MODULUS_BITS) {
    throw new InvalidSigningKey(`signing key must have at least ${MIN_RSA_MODULUS_BITS} bits, got ${bits}`);
  }
  const publicJwk = publicJwkOf(privateKey);
  return { kid: publicJwk.kid, privateKey, publicJwk };
}

/** Generation takes ~50–150 ms; the async form keeps the event loop serving meanwhile. */
export async function generateRsaSigningKey(modulusLength = MIN_RSA_MODULUS_BITS): Promise<RsaSigningKey> {
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength, publicExponent: 0x10001 });
  return rsaSigningKey(privateKey);
}

/**
 * Reads a PEM (PKCS#1 or PKCS#8) private key, e.g. from SIGNING_KEY_FILE. Throws
 * InvalidSigningKey for text that is no PEM private key as well as for an unfit key.
 */
export function rsaSigningKeyFromPem(pem: string | Buffer): RsaSigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    // The decoder's code (e.g. ERR_OSSL_UNSUPPORTED) tells the operator which way it is not.
    throw new InvalidSigningKey('not a PEM private key', { detail: (error as NodeJS.ErrnoException).code, cause: error });
  }
  return rsaSigningKey(privateKey);
}

export function publicKeyFromJwk(jwk: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, n: jwk.n, e: jwk.e }, format: 'jwk' });
}
