import type { KeyObject } from 'node:crypto';
import { InconsistentKeySet } from '../errors/operator-errors';
import type { PublicJwk, StoredSigningKey } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { TokenSigner } from '../tokens/token-signer';
import type { VerificationKeys } from '../tokens/token-verifier';
import type { KeySealer } from './key-sealer';
import { publicKeyFromJwk } from './rsa-key';

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

  /** Throws KeyUnsealFailed when the active key does not open, InconsistentKeySet when there is none. */
  static open(tenantId: string, stored: StoredSigningKey[], sealer: KeySealer, clock: Clock): TenantKeys {
    const now = clock.now();
    const active = stored.find((k) => k.status === 'active');
    if (!active?.sealedPrivateKey) throw new InconsistentKeySet(`tenant "${tenantId}" has no active signing key`);
    const signer = new TokenSigner(active.kid, sealer.open(active.sealedPrivateKey, tenantId, active.kid));

    const publicKeys = new Map<string, { key: KeyObject; until: number }>();
    const published: PublicJwk[] = [];
    // Order: active first, then next, then retired; verifiers that scan in order find the
    // current key first.
    const order = { active: 0, next: 1, retired: 2 } as const;
    for (const key of [...stored].sort((a, b) => order[a.status] - order[b.status])) {
      const until = key.retainUntil ? key.retainUntil.getTime() : Number.POSITIVE_INFINITY;
      if (until <= now) continue;
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
