import { InconsistentKeySet } from '../errors/operator-errors';
import type { UnchainedAuditEvent } from '../audit/audit-event';
import { KeyNotFound, KeyNotYetPublished, TenantNotFound } from '../errors/resource-errors';
import type { IdentityStore, RevocationPlan, RotationPlan, RotationState, StoredSigningKey } from '../store/identity-store';
import type { Clock } from '../support/clock';
import { assertPrivateMatchesPublic } from './jwk-binding';
import type { SigningKeySealer } from './signing-key-sealer';
import { generateRsaSigningKey } from './rsa-key';
import type { RsaSigningKey } from './rsa-key';
import type { TenantKeyring } from './tenant-keyring';

export interface RotationPolicy {
  /**
   * How long the next key must have been in the JWKS before it may sign: the JWKS
   * Cache-Control max-age plus the key cache of other instances, so every verifier that
   * honours our caching headers already holds the key when the first token arrives.
   */
  publicationDelaySeconds: number;
  /** The key cache of every instance (TenantKeyring.cacheSeconds). */
  keyCacheSeconds: number;
}

/**
 * Decides a rotation: the next key (published since at least `publicationDelaySeconds`) starts
 * signing, the active key retires but stays published until every token it may still sign has
 * expired, a new next key is published, and retired keys past retention go.
 */
export function planRotation(state: RotationState, publish: StoredSigningKey, at: Date, policy: RotationPolicy): RotationPlan {
  const active = state.keys.find((k) => k.status === 'active');
  const next = state.keys.find((k) => k.status === 'next');
  if (!active || !next) throw new InconsistentKeySet('tenant key set is missing its active or next key');
  const signableAt = new Date(next.createdAt.getTime() + policy.publicationDelaySeconds * 1000);
  if (signableAt > at) throw new KeyNotYetPublished(next.kid, signableAt);
  // Other instances may sign with the old key until their cache expires; the last such token
  // lives for the longest client TTL after that.
  const retainUntil = new Date(at.getTime() + (policy.keyCacheSeconds + state.maxAccessTokenTtl) * 1000);
  const drop = state.keys.filter((k) => k.status === 'retired' && (k.retainUntil?.getTime() ?? 0) <= at.getTime()).map((k) => k.kid);
  return { at, retire: { kid: active.kid, retainUntil }, activate: next.kid, publish, drop };
}

/** The admin operation behind POST /admin/tenants/:tenant/keys/rotate. */
export class KeyRotation {
  constructor(
    private readonly deps: { store: IdentityStore; sealer: SigningKeySealer; keyring: TenantKeyring; clock: Clock; policy: RotationPolicy },
  ) {}

  /** A stored key in state `status`, sealed for this tenant, its public half attested. */
  async storedKey(tenantId: string, key: RsaSigningKey, status: 'active' | 'next', at: Date): Promise<StoredSigningKey> {
    const [sealedPrivateKey, attestation] = await Promise.all([this.deps.sealer.seal(key.privateKey, tenantId, key.kid), this.deps.sealer.attest(tenantId, key.publicJwk)]);
    return {
      kid: key.kid,
      status,
      publicJwk: key.publicJwk,
      sealedPrivateKey,
      attestation,
      createdAt: at,
      activatedAt: status === 'active' ? at : null,
      retiredAt: null,
      retainUntil: null,
    };
  }

  /**
   * Emergency revocation (issue 13 §3) of a compromised key: it leaves the JWKS at once, and the
   * tokens it signed fail introspection and /admin from then on, because verification only
   * considers published keys. An active key is replaced by the next key at once (skipping its
   * publication delay: relying parties that fetched the JWKS before the next key was published
   * refetch on the unknown kid), and a fresh next key is published. Other replicas follow within
   * the keyring cache (KEY_CACHE_SECONDS); relying parties within their JWKS cache (its max-age).
   */
  async revoke(tenantId: string, kid: string, audit?: (kid: string) => UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    const current = await this.deps.store.findSigningKeys(tenantId);
    if (!current) throw new TenantNotFound(tenantId);
    if (!current.some((k) => k.kid === kid)) throw new KeyNotFound(kid);
    const at = new Date(this.deps.clock.now());
    const fresh = await this.storedKey(tenantId, await generateRsaSigningKey(), 'next', at);
    const keys = await this.deps.store.revokeSigningKey(
      tenantId,
      (keys): RevocationPlan => {
        const target = keys.find((k) => k.kid === kid);
        if (!target) throw new KeyNotFound(kid);
        const next = keys.find((k) => k.status === 'next');
        if (target.status === 'active') {
          if (!next) throw new InconsistentKeySet('tenant key set is missing its next key');
          return { at, remove: kid, activate: next.kid, publish: fresh };
        }
        if (target.status === 'next') return { at, remove: kid, publish: fresh };
        return { at, remove: kid };
      },
      audit?.(kid),
    );
    this.deps.keyring.invalidate(tenantId);
    return keys;
  }

  /**
   * The migration path for keys from before issue 14 (attestation null): each gets its
   * attestation now, trusting the database as it is at this first start. A key that still has its
   * private half is attested only when that private half is the public JWK's, so a row already
   * swapped stays unpublished. Idempotent; returns how many keys it attested.
   */
  async attestUnattested(onRefused: (tenantId: string, kid: string) => void = () => undefined): Promise<number> {
    let attested = 0;
    for (const { tenantId, key } of await this.deps.store.findUnattestedSigningKeys()) {
      if (key.sealedPrivateKey !== null) {
        try {
          assertPrivateMatchesPublic(await this.deps.sealer.open(key.sealedPrivateKey, tenantId, key.kid), key.publicJwk);
        } catch {
          onRefused(tenantId, key.kid);
          continue;
        }
      }
      await this.deps.store.setAttestation(tenantId, key.kid, await this.deps.sealer.attest(tenantId, key.publicJwk));
      this.deps.keyring.invalidate(tenantId);
      attested++;
    }
    return attested;
  }

  async rotate(tenantId: string, audit?: (activated: string) => UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    // Refuse cheaply before generating: an unknown tenant or a too-young next key needs no key.
    const current = await this.deps.store.findSigningKeys(tenantId);
    if (!current) throw new TenantNotFound(tenantId);
    planRotation({ keys: current, maxAccessTokenTtl: 0 }, current[0]!, new Date(this.deps.clock.now()), this.deps.policy);

    // Generate before the transaction: key generation takes ~100 ms and must not hold the lock.
    // The transaction decides again on the state it locked.
    const at = new Date(this.deps.clock.now());
    const key = await this.storedKey(tenantId, await generateRsaSigningKey(), 'next', at);
    const nextKid = current.find((k) => k.status === 'next')?.kid;
    const keys = await this.deps.store.rotateSigningKeys(
      tenantId,
      (state) => planRotation(state, key, at, this.deps.policy),
      nextKid === undefined ? undefined : audit?.(nextKid),
    );
    this.deps.keyring.invalidate(tenantId);
    return keys;
  }
}
