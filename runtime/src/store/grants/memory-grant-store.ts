import type {
  CodeRedemption,
  GrantStore,
  IssuedAccessToken,
  RefreshRotation,
  StoredAuthorizationCode,
  StoredGrant,
  StoredRefreshToken,
} from './grant-store';

interface GrantRecord {
  grant: StoredGrant;
  refreshTokens: Set<string>;
  accessTokens: IssuedAccessToken[];
}

/** The embedded grant store of `npm start`: single-threaded, so every method is atomic by construction. */
export class MemoryGrantStore implements GrantStore {
  readonly #grants = new Map<string, GrantRecord>();
  /** tenant\0codeHash → code and whether it was redeemed */
  readonly #codes = new Map<string, { code: StoredAuthorizationCode; redeemed: boolean }>();
  /** tenant\0tokenHash → token and whether it was rotated out */
  readonly #refresh = new Map<string, { token: StoredRefreshToken; rotated: boolean }>();

  async createGrantWithCode(grant: StoredGrant, code: StoredAuthorizationCode): Promise<void> {
    this.#grants.set(key(grant.tenantId, grant.grantId), { grant: copyGrant(grant), refreshTokens: new Set(), accessTokens: [] });
    this.#codes.set(key(code.tenantId, code.codeHash), { code: { ...code }, redeemed: false });
  }

  async redeemAuthorizationCode(tenantId: string, codeHash: string): Promise<CodeRedemption> {
    const entry = this.#codes.get(key(tenantId, codeHash));
    if (!entry) return { outcome: 'unknown' };
    if (entry.redeemed) return { outcome: 'replayed', grantId: entry.code.grantId };
    entry.redeemed = true;
    const record = this.#grants.get(key(tenantId, entry.code.grantId));
    if (!record) return { outcome: 'unknown' };
    return { outcome: 'redeemed', code: { ...entry.code }, grant: copyGrant(record.grant) };
  }

  async addRefreshToken(token: StoredRefreshToken): Promise<boolean> {
    const record = this.#grants.get(key(token.tenantId, token.grantId));
    if (!record || record.grant.revokedAt) return false;
    this.#refresh.set(key(token.tenantId, token.tokenHash), { token: { ...token }, rotated: false });
    record.refreshTokens.add(token.tokenHash);
    return true;
  }

  async rotateRefreshToken(tenantId: string, clientId: string, presentedHash: string, nextHash: string, at: Date, requestedScopes: readonly string[] = []): Promise<RefreshRotation> {
    const entry = this.#refresh.get(key(tenantId, presentedHash));
    if (!entry) return { outcome: 'invalid' };
    const record = this.#grants.get(key(tenantId, entry.token.grantId));
    if (!record || record.grant.revokedAt || record.grant.clientId !== clientId) return { outcome: 'invalid' };
    if (entry.rotated) return { outcome: 'reused', grantId: entry.token.grantId };
    const t = at.getTime();
    if (entry.token.expiresAt.getTime() <= t || record.grant.expiresAt.getTime() <= t) return { outcome: 'invalid' };
    const extra = requestedScopes.find((scope) => !record.grant.scopes.includes(scope));
    if (extra !== undefined) return { outcome: 'scope_exceeded', scope: extra };
    entry.rotated = true;
    const next: StoredRefreshToken = { tenantId, tokenHash: nextHash, grantId: record.grant.grantId, expiresAt: record.grant.expiresAt };
    this.#refresh.set(key(tenantId, nextHash), { token: next, rotated: false });
    record.refreshTokens.add(nextHash);
    return { outcome: 'rotated', grant: copyGrant(record.grant) };
  }

  async recordAccessToken(tenantId: string, grantId: string, token: IssuedAccessToken): Promise<void> {
    this.#grants.get(key(tenantId, grantId))?.accessTokens.push({ ...token });
  }

  async revokeGrant(tenantId: string, grantId: string, at: Date): Promise<IssuedAccessToken[]> {
    const record = this.#grants.get(key(tenantId, grantId));
    if (!record) return [];
    record.grant.revokedAt ??= at;
    return record.accessTokens.filter((t) => t.expiresAt.getTime() > at.getTime()).map((t) => ({ ...t }));
  }

  async findGrant(tenantId: string, grantId: string): Promise<StoredGrant | undefined> {
    const record = this.#grants.get(key(tenantId, grantId));
    return record && copyGrant(record.grant);
  }

  async purgeExpiredGrants(now: Date): Promise<void> {
    const t = now.getTime();
    for (const [k, entry] of this.#codes) if (entry.code.expiresAt.getTime() <= t) this.#codes.delete(k);
    for (const [k, record] of this.#grants) {
      if (record.grant.expiresAt.getTime() > t) continue;
      this.#grants.delete(k);
      for (const hash of record.refreshTokens) this.#refresh.delete(key(record.grant.tenantId, hash));
    }
  }
}

function key(tenantId: string, id: string): string {
  return `${tenantId}\0${id}`;
}

function copyGrant(grant: StoredGrant): StoredGrant {
  return { ...grant, scopes: [...grant.scopes] };
}
