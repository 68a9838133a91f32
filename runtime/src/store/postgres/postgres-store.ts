import { Pool } from 'pg';
import type { PoolClient } from 'pg';
import { InvalidStoreOptions } from '../../errors/operator-errors';
import { ClientExists, ClientNotFound, TenantExists, TenantNotFound } from '../../errors/resource-errors';
import type { UnchainedAuditEvent } from '../../audit/audit-event';
import { PostgresAuditJournal } from '../audit/postgres-audit-journal';
import { applyRotation } from '../apply-rotation';
import type {
  ClientChange,
  CustomerMoveState,
  IdentityStore,
  NewTenantProfile,
  RevocationPlan,
  RotationPlan,
  RotationState,
  StoredClient,
  StoredSigningKey,
  TenantChange,
  TenantSummary,
} from '../identity-store';
import type { DatabaseUrlFile } from './database-url-file';
import type { GrantStore } from '../grants/grant-store';
import { PostgresGrantStore } from '../grants/postgres-grant-store';
import { MIGRATIONS } from './migrations';

export interface PostgresStoreOptions {
  /**
   * Where to connect, exactly one of: a postgres:// URL (DATABASE_URL), read once; or a
   * {@link DatabaseUrlFile} (DATABASE_URL_FILE), whose password is re-read for each new connection.
   */
  connectionString?: string;
  connectionFile?: DatabaseUrlFile;
  /** The schema holding the tables; created if missing. @default 'identity' */
  schema?: string;
  /** @default 10 */
  maxConnections?: number;
  /** Reports errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/** Lower-case SQL identifier: safe to interpolate into `-c search_path=` and CREATE SCHEMA. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const PG_UNIQUE_VIOLATION = '23505';
const SENT_EVENT_RETENTION_MS = 24 * 60 * 60 * 1000;
const PG_FOREIGN_KEY_VIOLATION = '23503';

/**
 * The production store. Every statement filters by tenant_id, and every multi-row change runs
 * in one transaction, so a failure leaves nothing half-written.
 */
export class PostgresStore implements IdentityStore {
  readonly #pool: Pool;
  /** Authorization grants, codes and refresh tokens (migration 3), on the same pool. */
  readonly grants: GrantStore;
  /** The audit chain and event outbox (migrations 6, 7), on the same pool. */
  readonly journal: PostgresAuditJournal;

  private constructor(pool: Pool) {
    this.#pool = pool;
    this.grants = new PostgresGrantStore(pool);
    this.journal = new PostgresAuditJournal(pool);
  }

  /** Connects and brings the schema up to date. Throws InvalidStoreOptions before connecting when the options are unusable. */
  static async connect(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'identity';
    if (!SCHEMA_NAME.test(schema)) throw new InvalidStoreOptions(`schema must match ${SCHEMA_NAME}, got "${schema}"`);
    if ((options.connectionString === undefined) === (options.connectionFile === undefined)) {
      throw new InvalidStoreOptions('exactly one of connectionString and connectionFile is required');
    }
    const pool = new Pool({
      ...(options.connectionFile ? options.connectionFile.poolConfig() : { connectionString: options.connectionString }),
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: 5000,
      // A hung query must not pin a request forever; 5 s is far above any statement here.
      options: `-c search_path=${schema} -c statement_timeout=5000`,
    });
    pool.on('error', (error) => options.onPoolError?.(error));
    try {
      await migrate(pool, schema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool);
  }

  /**
   * The connection pool, for the stores of other concerns that live in the same schema (users,
   * sign-in attempts: store/users/, store/sign-in-attempts/). Closed by close().
   */
  get pool(): Pool {
    return this.#pool;
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async createTenant(tenantId: string, keys: { active: StoredSigningKey; next: StoredSigningKey }, at: Date, profile?: NewTenantProfile, audit?: UnchainedAuditEvent): Promise<void> {
    await this.#transaction(async (db) => {
      try {
        await db.query('INSERT INTO tenants (id, created_at, display_name, customer, kms_key_alias) VALUES ($1, $2, $3, $4, $5)', [
          tenantId,
          at,
          profile?.displayName ?? null,
          profile?.customer ?? null,
          profile?.kmsKeyAlias ?? null,
        ]);
      } catch (error) {
        if (pgCode(error) === PG_UNIQUE_VIOLATION) throw new TenantExists(tenantId);
        throw error;
      }
      await insertKey(db, tenantId, keys.active);
      await insertKey(db, tenantId, keys.next);
    }, audit);
  }

  async findTenantProfile(tenantId: string): Promise<TenantSummary | undefined> {
    const { rows } = await this.#pool.query<TenantRow>('SELECT * FROM tenants WHERE id = $1', [tenantId]);
    return rows[0] && tenantFromRow(rows[0]);
  }

  async listTenants(page: { after?: string; limit: number }): Promise<TenantSummary[]> {
    const { rows } = await this.#pool.query<TenantRow>('SELECT * FROM tenants WHERE id > $1 ORDER BY id LIMIT $2', [page.after ?? '', page.limit]);
    return rows.map(tenantFromRow);
  }

  async updateTenant(tenantId: string, change: TenantChange, audit?: UnchainedAuditEvent): Promise<TenantSummary> {
    return this.#transaction(async (db) => {
      const { rows } = await db.query<TenantRow>(
        `UPDATE tenants SET sign_in_policy = COALESCE($2::jsonb, sign_in_policy), disabled_at = COALESCE(disabled_at, $3),
                customer_move = CASE WHEN $4::boolean THEN $5::jsonb ELSE customer_move END,
                customer = COALESCE($6, customer), kms_key_alias = COALESCE($7, kms_key_alias)
          WHERE id = $1 RETURNING *`,
        [
          tenantId,
          change.signInPolicy === undefined ? null : JSON.stringify(change.signInPolicy),
          change.disabledAt ?? null,
          change.move !== undefined,
          change.move ? JSON.stringify(change.move) : null,
          change.customer?.customer ?? null,
          change.customer?.kmsKeyAlias ?? null,
        ],
      );
      if (!rows[0]) throw new TenantNotFound(tenantId);
      return tenantFromRow(rows[0]);
    }, audit);
  }

  async anyTenantId(): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ id: string }>('SELECT id FROM tenants LIMIT 1');
    return rows[0]?.id;
  }

  async findSigningKeys(tenantId: string): Promise<StoredSigningKey[] | undefined> {
    const { rows } = await this.#pool.query<KeyRow & { tenant: string }>(
      `SELECT t.id AS tenant, k.* FROM tenants t LEFT JOIN signing_keys k ON k.tenant_id = t.id WHERE t.id = $1`,
      [tenantId],
    );
    if (rows.length === 0) return undefined;
    return rows.filter((row) => row.kid !== null).map(keyFromRow);
  }

  async revokeSigningKey(tenantId: string, plan: (keys: StoredSigningKey[]) => RevocationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    return this.#transaction(async (db) => {
      const tenant = await db.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
      if (tenant.rowCount === 0) throw new TenantNotFound(tenantId);
      const keys = (await db.query<KeyRow>('SELECT * FROM signing_keys WHERE tenant_id = $1', [tenantId])).rows.map(keyFromRow);
      const decided = plan(keys);
      await db.query('DELETE FROM signing_keys WHERE tenant_id = $1 AND kid = $2', [tenantId, decided.remove]);
      if (decided.activate !== undefined) {
        await db.query(`UPDATE signing_keys SET status = 'active', activated_at = $3 WHERE tenant_id = $1 AND kid = $2 AND status = 'next'`, [tenantId, decided.activate, decided.at]);
      }
      if (decided.publish) await insertKey(db, tenantId, decided.publish);
      return (await db.query<KeyRow>('SELECT * FROM signing_keys WHERE tenant_id = $1', [tenantId])).rows.map(keyFromRow);
    }, audit);
  }

  async rotateSigningKeys(tenantId: string, plan: (state: RotationState) => RotationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]> {
    return this.#transaction(async (db) => {
      // The row lock serialises rotations of one tenant, and conflicts with the FK lock that a
      // concurrent client insert takes, so maxAccessTokenTtl cannot change under us.
      const tenant = await db.query('SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE', [tenantId]);
      if (tenant.rowCount === 0) throw new TenantNotFound(tenantId);
      const keys = (await db.query<KeyRow>('SELECT * FROM signing_keys WHERE tenant_id = $1', [tenantId])).rows.map(keyFromRow);
      const ttl = await db.query<{ max: number }>(
        'SELECT COALESCE(MAX(access_token_ttl), 0)::int AS max FROM clients WHERE tenant_id = $1',
        [tenantId],
      );
      const decided = plan({ keys, maxAccessTokenTtl: ttl.rows[0]?.max ?? 0 });
      const result = applyRotation(keys, decided);
      if (decided.drop.length > 0) {
        await db.query(`DELETE FROM signing_keys WHERE tenant_id = $1 AND kid = ANY ($2) AND status = 'retired'`, [tenantId, decided.drop]);
      }
      await db.query(
        `UPDATE signing_keys SET status = 'retired', sealed_private_key = NULL, retired_at = $3, retain_until = $4
          WHERE tenant_id = $1 AND kid = $2 AND status = 'active'`,
        [tenantId, decided.retire.kid, decided.at, decided.retire.retainUntil],
      );
      await db.query(
        `UPDATE signing_keys SET status = 'active', activated_at = $3 WHERE tenant_id = $1 AND kid = $2 AND status = 'next'`,
        [tenantId, decided.activate, decided.at],
      );
      await insertKey(db, tenantId, decided.publish);
      return result;
    }, audit);
  }

  async createClient(client: StoredClient, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#transaction((db) => db.query(
        `INSERT INTO clients (tenant_id, client_id, auth_method, secret_hash, jwks, scopes, resources, default_resource, access_token_ttl, created_at,
                              grant_types, redirect_uris, post_logout_redirect_uris, authorities, disabled_at, jwks_attestation)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
        [
          client.tenantId,
          client.clientId,
          client.authMethod,
          client.secretHash,
          client.jwks && JSON.stringify(client.jwks),
          client.scopes,
          client.resources,
          client.defaultResource,
          client.accessTokenTtl,
          client.createdAt,
          client.grantTypes,
          client.redirectUris,
          client.postLogoutRedirectUris,
          client.authorities,
          client.disabledAt,
          client.jwksAttestation,
        ],
      ), audit);
    } catch (error) {
      if (pgCode(error) === PG_UNIQUE_VIOLATION) throw new ClientExists(client.clientId);
      if (pgCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new TenantNotFound(client.tenantId);
      throw error;
    }
  }

  async findClient(tenantId: string, clientId: string): Promise<StoredClient | undefined> {
    const { rows } = await this.#pool.query<ClientRow>('SELECT * FROM clients WHERE tenant_id = $1 AND client_id = $2', [tenantId, clientId]);
    return rows[0] && clientFromRow(rows[0]);
  }

  async listClients(tenantId: string, page: { after?: string; limit: number }): Promise<StoredClient[]> {
    const { rows } = await this.#pool.query<ClientRow>(
      'SELECT * FROM clients WHERE tenant_id = $1 AND client_id > $2 ORDER BY client_id LIMIT $3',
      [tenantId, page.after ?? '', page.limit],
    );
    return rows.map(clientFromRow);
  }

  async updateClient(tenantId: string, clientId: string, change: ClientChange, audit?: UnchainedAuditEvent): Promise<StoredClient> {
    return this.#transaction(async (db) => {
      const { rows } = await db.query<ClientRow>(
        `UPDATE clients SET secret_hash = COALESCE($3, secret_hash), authorities = COALESCE($4, authorities),
                disabled_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE disabled_at END,
                jwks_attestation = COALESCE(jwks_attestation, $7)
          WHERE tenant_id = $1 AND client_id = $2 RETURNING *`,
        [tenantId, clientId, change.secretHash ?? null, change.authorities ?? null, change.disabledAt !== undefined, change.disabledAt ?? null, change.jwksAttestation ?? null],
      );
      if (!rows[0]) throw new ClientNotFound(clientId);
      return clientFromRow(rows[0]);
    }, audit);
  }

  async deleteClient(tenantId: string, clientId: string, audit?: UnchainedAuditEvent): Promise<void> {
    await this.#transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM clients WHERE tenant_id = $1 AND client_id = $2', [tenantId, clientId]);
      if (rowCount === 0) throw new ClientNotFound(clientId);
    }, audit);
  }

  async revokeToken(tenantId: string, jti: string, expiresAt: Date, audit?: UnchainedAuditEvent): Promise<void> {
    try {
      await this.#transaction((db) => db.query(
        'INSERT INTO revoked_tokens (tenant_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [tenantId, jti, expiresAt],
      ), audit);
    } catch (error) {
      if (pgCode(error) === PG_FOREIGN_KEY_VIOLATION) throw new TenantNotFound(tenantId);
      throw error;
    }
  }

  async isTokenRevoked(tenantId: string, jti: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('SELECT 1 FROM revoked_tokens WHERE tenant_id = $1 AND jti = $2', [tenantId, jti]);
    return (rowCount ?? 0) > 0;
  }

  async consumeAssertionId(tenantId: string, clientId: string, jti: string, expiresAt: Date): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `INSERT INTO client_assertion_ids (tenant_id, client_id, jti, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [tenantId, clientId, jti, expiresAt],
    );
    return rowCount === 1;
  }

  async findUnattestedSigningKeys(): Promise<Array<{ tenantId: string; key: StoredSigningKey }>> {
    const { rows } = await this.#pool.query<KeyRow & { tenant_id: string }>('SELECT * FROM signing_keys WHERE attestation IS NULL ORDER BY tenant_id, kid');
    return rows.map((row) => ({ tenantId: row.tenant_id, key: keyFromRow(row) }));
  }

  async findClientsWithUnattestedJwks(): Promise<StoredClient[]> {
    const { rows } = await this.#pool.query<ClientRow>('SELECT * FROM clients WHERE jwks IS NOT NULL AND jwks_attestation IS NULL ORDER BY tenant_id, client_id');
    return rows.map(clientFromRow);
  }

  async setAttestation(tenantId: string, kid: string, attestation: Buffer): Promise<void> {
    await this.#pool.query('UPDATE signing_keys SET attestation = $3 WHERE tenant_id = $1 AND kid = $2 AND attestation IS NULL', [tenantId, kid, attestation]);
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.#pool.query('DELETE FROM revoked_tokens WHERE expires_at <= $1', [now]);
    await this.#pool.query('DELETE FROM client_assertion_ids WHERE expires_at <= $1', [now]);
    await this.#pool.query(`DELETE FROM signing_keys WHERE status = 'retired' AND retain_until <= $1`, [now]);
    await this.grants.purgeExpiredGrants(now);
    // The outbox is a queue, not an archive (the audit trail is): sent rows go after a day, kept
    // that long so an operator can replay a day's events to a consumer that lost them.
    await this.journal.outbox.purgeSent(new Date(now.getTime() - SENT_EVENT_RETENTION_MS));
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  #transaction<T>(work: (db: PoolClient) => Promise<T>, audit?: UnchainedAuditEvent): Promise<T> {
    return this.journal.transaction(work, audit);
  }
}

async function migrate(pool: Pool, schema: string): Promise<void> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    // Several replicas start at once; the advisory lock lets exactly one migrate at a time.
    await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`brandstack-identity-migrate:${schema}`]);
    await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await db.query<{ version: number }>('SELECT COALESCE(MAX(version), 0)::int AS version FROM schema_migrations');
    const current = rows[0]?.version ?? 0;
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await db.query(migration.sql);
      await db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}

async function insertKey(db: PoolClient, tenantId: string, key: StoredSigningKey): Promise<void> {
  await db.query(
    `INSERT INTO signing_keys (tenant_id, kid, status, public_jwk, sealed_private_key, created_at, activated_at, retired_at, retain_until, attestation)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [tenantId, key.kid, key.status, JSON.stringify(key.publicJwk), key.sealedPrivateKey, key.createdAt, key.activatedAt, key.retiredAt, key.retainUntil, key.attestation],
  );
}

interface KeyRow {
  kid: string;
  status: StoredSigningKey['status'];
  public_jwk: StoredSigningKey['publicJwk'];
  sealed_private_key: Buffer | null;
  attestation: Buffer | null;
  created_at: Date;
  activated_at: Date | null;
  retired_at: Date | null;
  retain_until: Date | null;
}

function keyFromRow(row: KeyRow): StoredSigningKey {
  return {
    kid: row.kid,
    status: row.status,
    publicJwk: row.public_jwk,
    sealedPrivateKey: row.sealed_private_key,
    attestation: row.attestation,
    createdAt: row.created_at,
    activatedAt: row.activated_at,
    retiredAt: row.retired_at,
    retainUntil: row.retain_until,
  };
}

interface TenantRow {
  id: string;
  display_name: string | null;
  customer: string | null;
  kms_key_alias: string | null;
  customer_move: CustomerMoveState | null;
  created_at: Date;
  disabled_at: Date | null;
  sign_in_policy: Record<string, number>;
}

function tenantFromRow(row: TenantRow): TenantSummary {
  return {
    id: row.id,
    displayName: row.display_name ?? row.id,
    customer: row.customer,
    kmsKeyAlias: row.kms_key_alias,
    move: row.customer_move,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    disabled: row.disabled_at !== null,
    signInPolicy: row.sign_in_policy,
  };
}

function clientFromRow(row: ClientRow): StoredClient {
  return {
    tenantId: row.tenant_id,
    clientId: row.client_id,
    authMethod: row.auth_method,
    secretHash: row.secret_hash,
    jwks: row.jwks,
    jwksAttestation: row.jwks_attestation,
    scopes: row.scopes,
    resources: row.resources,
    defaultResource: row.default_resource,
    accessTokenTtl: row.access_token_ttl,
    grantTypes: row.grant_types,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    authorities: row.authorities,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

interface ClientRow {
  tenant_id: string;
  client_id: string;
  auth_method: StoredClient['authMethod'];
  secret_hash: Buffer | null;
  jwks: StoredClient['jwks'];
  jwks_attestation: Buffer | null;
  scopes: string[];
  resources: string[];
  default_resource: string;
  access_token_ttl: number;
  grant_types: StoredClient['grantTypes'];
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  authorities: string[];
  created_at: Date;
  disabled_at: Date | null;
}

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}
