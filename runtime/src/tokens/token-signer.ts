import { sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { AccessTokenClaims } from './access-token-claims';
import type { IdTokenClaims } from './id-token';

/**
 * Signs RFC 9068 JWT access tokens with RS256.
 *
 * The JWT is assembled by hand and signed with crypto.sign on a KeyObject imported once:
 * RSA is the whole cost of issuing a token, and a generic JWS library adds key import and
 * object churn per call (measured here: ~1,050 signs/s with jose vs ~1,300 with crypto.sign).
 * The header is constant per key, so it is encoded once.
 */
export class TokenSigner {
  readonly kid: string;
  readonly #key: KeyObject;
  readonly #encodedHeader: string;
  readonly #encodedIdTokenHeader: string;

  constructor(kid: string, privateKey: KeyObject) {
    this.kid = kid;
    this.#key = privateKey;
    // RFC 9068 §2.1: typ "at+jwt" ("application/" omitted per RFC 7515 §4.1.9); kid lets
    // verifiers pick the key across rotations (RFC 7515 §4.1.4).
    this.#encodedHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid })).toString('base64url');
    // OIDC Core §2: an ID token is a plain JWT; its own typ keeps it from passing as an access
    // token (RFC 9068 §4 verifiers require at+jwt) and the other way round (RFC 8725 §3.11).
    this.#encodedIdTokenHeader = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid })).toString('base64url');
  }

  sign(claims: AccessTokenClaims): string {
    return this.#sign(this.#encodedHeader, claims);
  }

  /** OIDC Core §3.1.3.6 ID token, with the same key (the tenant's JWKS is the OP's). */
  signIdToken(claims: IdTokenClaims): string {
    return this.#sign(this.#encodedIdTokenHeader, claims);
  }

  #sign(encodedHeader: string, claims: object): string {
    const signingInput = `${encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    // RFC 7518 §3.3: RS256 is RSASSA-PKCS1-v1_5 with SHA-256, which is crypto.sign's RSA default.
    const signature = sign('sha256', Buffer.from(signingInput), this.#key);
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}
