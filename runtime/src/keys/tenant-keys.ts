import type { KeyObject } from 'node:crypto';
import { InconsistentKeySet, KeyUnsealFailed } from '../errors/operator-errors';
import type { PublicJwk, StoredSigningKey } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TokenSigner } from '../tokens/token-signer';
import type { VerificationKeys } from '../tokens/token-verifier';
import { assertPrivateMatchesPublic, kidMatches } from './jwk-binding';
import { publicKeyFromJwk } from './rsa-key';
import type { SigningKeySealer } from './signing-key-sealer';

/**
 * One tenant's keys, ready to use: the signer for its active key, the public keys a token of
 * this tenant may carry in its `kid`, and the JWKS document, serialised once.
 *
 * Every tenant has its own keys, so verification keys are never shared across tenants.
 */
export class TenantKeys implements VerificationKeys {
  readonly tenantId: string;
  readonly signer: TokenSigner;
  /** RFC 7517 §5 JWK Set, public members only. */
  readonly jwks: string;
  readonly #publicKeys: Map<string, { key: KeyObject; until: number }>;
  readonly #clock: Clock;

  private constructor(tenantId: string, signer: TokenSigner, publicKeys: Map<string, { key: KeyObject; until: number }>, jwks: PublicJwk[], clock: Clock) {
    this.tenantId = tenantId;
    this.signer = signer;
    this.#publicKeys = publicKeys;
    this.#clock = clock;
    this.jwks = JSON.stringify({ keys: jwks });
  }

  /**
   * Throws KeyUnsealFailed when the active key does not open, or its public half is not the one
   * the row describes or its attestation fails; InconsistentKeySet when there is none. A key whose
   * attestation fails (a public JWK planted or swapped by a database write: issue 14 §7) is left
   * out of the JWKS and verifies nothing; `onRejected` hears of it.
   */
  static async open(
    tenantId: string,
    stored: StoredSigningKey[],
    sealer: SigningKeySealer,
    clock: Clock,
    onRejected: (kid: string, why: string) => void = () => undefined,
  ): Promise<TenantKeys> {
    const now = clock.now();
    const attested = new Set<string>();
    for (const key of stored) {
      if (!kidMatches(key.publicJwk)) onRejected(key.kid, 'kid is not the RFC 7638 thumbprint of its public JWK');
      else if (key.attestation === null) onRejected(key.kid, 'no attestation (a row from before issue 14 not yet attested)');
      else if (!(await sealer.verify(key.attestation, tenantId, key.publicJwk))) onRejected(key.kid, 'attestation does not verify: the public JWK was not written by this runtime');
      else attested.add(key.kid);
    }
    const active = stored.find((k) => k.status === 'active');
    if (!active?.sealedPrivateKey) throw new InconsistentKeySet(`tenant "${tenantId}" has no active signing key`);
    if (!attested.has(active.kid)) throw new KeyUnsealFailed(active.kid, { detail: 'the active key is not attested' });
    const privateKey = await sealer.open(active.sealedPrivateKey, tenantId, active.kid);
    assertPrivateMatchesPublic(privateKey, active.publicJwk);
    const signer = new TokenSigner(active.kid, privateKey);

    const publicKeys = new Map<string, { key: KeyObject; until: number }>();
    const published: PublicJwk[] = [];
    // Order: active first, then next, then retired; verifiers that scan in order find the
    // current key first.
    const order = { active: 0, next: 1, retired: 2 } as const;
    for (const key of [...stored].sort((a, b) => order[a.status] - order[b.status])) {
      const until = key.retainUntil ? key.retainUntil.getTime() : Number.POSITIVE_INFINITY;
      if (until <= now || !attested.has(key.kid)) continue;
      // Build the JWK member by member so no private field can ever slip into the JWKS.
      const { kty, n, e, kid, alg, use } = key.publicJwk;
      published.push({ kty, n, e, kid, alg, use });
      // A `next` key verifies too: another instance may already sign with it after a rotation
      // that this instance's cache has not seen yet.
      publicKeys.set(key.kid, { key: publicKeyFromJwk(key.publicJwk), until });
    }
    return new TenantKeys(tenantId, signer, publicKeys, published, clock);
  }

  publicKey(kid: string): KeyObject | undefined {
    const entry = this.#publicKeys.get(kid);
    return entry && entry.until > this.#clock.now() ? entry.key : undefined;
  }
}
