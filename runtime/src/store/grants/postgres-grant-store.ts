import type { Pool, PoolClient } from 'pg';
import { inTransaction } from '../sql/transaction';
import type {
  CodeRedemption,
  GrantStore,
  IssuedAccessToken,
  RefreshRotation,
  StoredAuthorizationCode,
  StoredGrant,
  StoredRefreshToken,
} from './grant-store';

/**
 * Grants in PostgreSQL (tables of migration 3). Single-use is enforced by the database:
 * redemption and rotation are conditional UPDATEs under a row lock, so of two replicas racing on
 * one code or one refresh token exactly one wins and the other sees the replay.
 */
export class PostgresGrantStore implements GrantStore {
  constructor(private readonly pool: Pool) {}

  async createGrantWithCode(grant: StoredGrant, code: StoredAuthorizationCode): Promise<void> {
    await this.#transaction(async (db) => {
      // The tenant, client and user exist (the caller just authenticated the user for the client);
      // a foreign-key violation here is a race with their deletion and fails the request.
      await db.query(
        `INSERT INTO grants (tenant_id, grant_id, client_id, user_id, scopes, auth_time, created_at, expires_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [grant.tenantId, grant.grantId, grant.clientId, grant.userId, grant.scopes, grant.authTime, grant.createdAt, grant.expiresAt, grant.revokedAt],
      );
      await db.query(
        `INSERT INTO authorization_codes (tenant_id, code_hash, grant_id, client_id, redirect_uri, code_challenge, nonce, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [code.tenantId, code.codeHash, code.grantId, code.clientId, code.redirectUri, code.codeChallenge, code.nonce, code.expiresAt],
      );
    });
  }

  async redeemAuthorizationCode(tenantId: string, codeHash: string, at: Date): Promise<CodeRedemption> {
    // One statement: the UPDATE's row lock makes the first redeemer the only one that sees redeemed_at NULL.
    const { rows } = await this.pool.query<CodeRow & { first: boolean }>(
      `WITH previous AS (SELECT redeemed_at FROM authorization_codes WHERE tenant_id = $1 AND code_hash = $2 FOR UPDATE)
       UPDATE authorization_codes c SET redeemed_at = COALESCE(c.redeemed_at, $3)
         FROM previous WHERE c.tenant_id = $1 AND c.code_hash = $2
       RETURNING c.*, previous.redeemed_at IS NULL AS first`,
      [tenantId, codeHash, at],
    );
    const row = rows[0];
    if (!row) return { outcome: 'unknown' };
    if (!row.first) return { outcome: 'replayed', grantId: row.grant_id };
    const grant = await this.findGrant(tenantId, row.grant_id);
    if (!grant) return { outcome: 'unknown' };
    return {
      outcome: 'redeemed',
      grant,
      code: {
        tenantId: row.tenant_id,
        codeHash: row.code_hash,
        grantId: row.grant_id,
        clientId: row.client_id,
        redirectUri: row.redirect_uri,
        codeChallenge: row.code_challenge,
        nonce: row.nonce,
        expiresAt: row.expires_at,
      },
    };
  }

  async addRefreshToken(token: StoredRefreshToken): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO refresh_tokens (tenant_id, token_hash, grant_id, expires_at)
       SELECT $1, $2, $3, $4 FROM grants WHERE tenant_id = $1 AND grant_id = $3 AND revoked_at IS NULL`,
      [token.tenantId, token.tokenHash, token.grantId, token.expiresAt],
    );
    return rowCount === 1;
  }

  async rotateRefreshToken(tenantId: string, clientId: string, presentedHash: string, nextHash: string, at: Date, requestedScopes: readonly string[] = []): Promise<RefreshRotation> {
    return this.#transaction(async (db) => {
      // The row lock serialises concurrent uses of one token: the second sees rotated_at set.
      const { rows } = await db.query<{ grant_id: string; expires_at: Date; rotated_at: Date | null }>(
        'SELECT grant_id, expires_at, rotated_at FROM refresh_tokens WHERE tenant_id = $1 AND token_hash = $2 FOR UPDATE',
        [tenantId, presentedHash],
      );
      const token = rows[0];
      if (!token) return { outcome: 'invalid' } as const;
      const grant = await findGrant(db, tenantId, token.grant_id, true);
      if (!grant || grant.revokedAt || grant.clientId !== clientId) return { outcome: 'invalid' } as const;
      if (token.rotated_at) return { outcome: 'reused', grantId: token.grant_id } as const;
      if (token.expires_at.getTime() <= at.getTime() || grant.expiresAt.getTime() <= at.getTime()) return { outcome: 'invalid' } as const;
      const extra = requestedScopes.find((scope) => !grant.scopes.includes(scope));
      if (extra !== undefined) return { outcome: 'scope_exceeded', scope: extra } as const;
      await db.query('UPDATE refresh_tokens SET rotated_at = $3 WHERE tenant_id = $1 AND token_hash = $2', [tenantId, presentedHash, at]);
      await db.query('INSERT INTO refresh_tokens (tenant_id, token_hash, grant_id, expires_at) VALUES ($1, $2, $3, $4)', [
        tenantId,
        nextHash,
        grant.grantId,
        grant.expiresAt,
      ]);
      return { outcome: 'rotated', grant } as const;
    });
  }

  async recordAccessToken(tenantId: string, grantId: string, token: IssuedAccessToken): Promise<void> {
    await this.pool.query(
      'INSERT INTO grant_access_tokens (tenant_id, grant_id, jti, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [tenantId, grantId, token.jti, token.expiresAt],
    );
  }

  async revokeGrant(tenantId: string, grantId: string, at: Date): Promise<IssuedAccessToken[]> {
    return this.#transaction(async (db) => {
      await db.query('UPDATE grants SET revoked_at = COALESCE(revoked_at, $3) WHERE tenant_id = $1 AND grant_id = $2', [tenantId, grantId, at]);
      const { rows } = await db.query<{ jti: string; expires_at: Date }>(
        'SELECT jti, expires_at FROM grant_access_tokens WHERE tenant_id = $1 AND grant_id = $2 AND expires_at > $3',
        [tenantId, grantId, at],
      );
      return rows.map((row) => ({ jti: row.jti, expiresAt: row.expires_at }));
    });
  }

  findGrant(tenantId: string, grantId: string): Promise<StoredGrant | undefined> {
    return findGrant(this.pool, tenantId, grantId, false);
  }

  async purgeExpiredGrants(now: Date): Promise<void> {
    await this.pool.query('DELETE FROM authorization_codes WHERE expires_at <= $1', [now]);
    // Refresh tokens, codes and access-token ids go with their grant (ON DELETE CASCADE).
    await this.pool.query('DELETE FROM grants WHERE expires_at <= $1', [now]);
  }

  #transaction<T>(work: (db: PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, work);
  }
}

async function findGrant(db: Pool | PoolClient, tenantId: string, grantId: string, lock: boolean): Promise<StoredGrant | undefined> {
  const { rows } = await db.query<GrantRow>(`SELECT * FROM grants WHERE tenant_id = $1 AND grant_id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, grantId]);
  const row = rows[0];
  return (
    row && {
      tenantId: row.tenant_id,
      grantId: row.grant_id,
      clientId: row.client_id,
      userId: row.user_id,
      scopes: row.scopes,
      authTime: row.auth_time,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      revokedAt: row.revoked_at,
    }
  );
}

interface GrantRow {
  tenant_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scopes: string[];
  auth_time: Date;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

interface CodeRow {
  tenant_id: string;
  code_hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  expires_at: Date;
}
