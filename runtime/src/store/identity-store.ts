import type { AuditJournal } from '../audit/audit-journal';
import type { UnchainedAuditEvent } from '../audit/audit-event';
import type { GrantStore } from './grants/grant-store';

/**
 * The storage contract of the identity runtime. Every operation names its tenant: there is no
 * call that can read or write across tenants, which is the logical isolation layer the
 * reference design asks for. Two implementations: `MemoryStore` (embedded, `npm start`) and
 * `PostgresStore` (production); one behavioural suite runs against both.
 *
 * Time is always passed in, never read from the database clock, so both stores agree with the
 * service's clock (and tests can move it).
 */
export interface IdentityStore {
  /** Users' authorization grants, their codes and refresh tokens (store/grants/). */
  readonly grants: GrantStore;

  /**
   * The audit trail's chain and the event outbox. Every change method below takes an optional
   * `audit` event, written in the change's own transaction: both commit, or neither does.
   */
  readonly journal: AuditJournal;

  /** Resolves when the store can serve queries; used by /healthz/ready. */
  ping(): Promise<void>;

  /** Creates a tenant with its first active and next keys, atomically. Throws TenantExists. */
  createTenant(tenantId: string, keys: { active: StoredSigningKey; next: StoredSigningKey }, at: Date, profile?: NewTenantProfile, audit?: UnchainedAuditEvent): Promise<void>;

  /** Tenants in id order after `after`, at most `limit`. */
  listTenants(page: { after?: string; limit: number }): Promise<TenantSummary[]>;

  /** Changes a tenant's sign-in policy or disables it. Throws TenantNotFound. */
  updateTenant(tenantId: string, change: TenantChange, audit?: UnchainedAuditEvent): Promise<TenantSummary>;

  /** The tenant's profile, or undefined when the tenant does not exist. */
  findTenantProfile(tenantId: string): Promise<TenantSummary | undefined>;

  /** Any one tenant id, or undefined when there are none; lets readiness probe real key material. */
  anyTenantId(): Promise<string | undefined>;

  /** The tenant's keys, or undefined when the tenant does not exist. */
  findSigningKeys(tenantId: string): Promise<StoredSigningKey[] | undefined>;

  /**
   * Applies a rotation decided by `plan` from the tenant's current keys, under a per-tenant lock
   * so concurrent rotations serialise. Throws TenantNotFound, or whatever `plan` throws (and then
   * changes nothing). Returns the resulting keys.
   */
  rotateSigningKeys(tenantId: string, plan: (state: RotationState) => RotationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]>;

  /**
   * Emergency revocation: removes a key at once, under the rotation lock. `plan` sees the keys and
   * decides what replaces it (for the active key: the next key activates and a fresh next key is
   * published). Throws TenantNotFound, or what `plan` throws (changing nothing).
   */
  revokeSigningKey(tenantId: string, plan: (keys: StoredSigningKey[]) => RevocationPlan, audit?: UnchainedAuditEvent): Promise<StoredSigningKey[]>;

  /** Throws TenantNotFound or ClientExists; writes nothing in either case. */
  createClient(client: StoredClient, audit?: UnchainedAuditEvent): Promise<void>;

  /** The tenant's clients in client_id order after `after`, at most `limit`. */
  listClients(tenantId: string, page: { after?: string; limit: number }): Promise<StoredClient[]>;

  /** Throws ClientNotFound (also for an unknown tenant). Returns the updated client. */
  updateClient(tenantId: string, clientId: string, change: ClientChange, audit?: UnchainedAuditEvent): Promise<StoredClient>;

  /** Throws ClientNotFound. Its revocations and assertion ids expire on their own. */
  deleteClient(tenantId: string, clientId: string, audit?: UnchainedAuditEvent): Promise<void>;

  findClient(tenantId: string, clientId: string): Promise<StoredClient | undefined>;

  /**
   * Keys without an attestation (rows from before issue 14, or ones refused attestation), with
   * their tenants: one query at start, however many tenants there are.
   */
  findUnattestedSigningKeys(): Promise<Array<{ tenantId: string; key: StoredSigningKey }>>;

  /** private_key_jwt clients whose JWKS has no attestation yet (from before issue 14). */
  findClientsWithUnattestedJwks(): Promise<StoredClient[]>;

  /** Stores the attestation of a key that has none (a row from before issue 14); never replaces one. */
  setAttestation(tenantId: string, kid: string, attestation: Buffer): Promise<void>;

  /** Idempotent (RFC 7009 §2.2: revoking a revoked token succeeds). */
  revokeToken(tenantId: string, jti: string, expiresAt: Date, audit?: UnchainedAuditEvent): Promise<void>;

  isTokenRevoked(tenantId: string, jti: string): Promise<boolean>;

  /**
   * Records a client assertion's jti; false when it was already used (RFC 7523 §3 item 7).
   * Entries are kept until the assertion expires.
   */
  consumeAssertionId(tenantId: string, clientId: string, jti: string, expiresAt: Date): Promise<boolean>;

  /** Drops revocations and assertion ids past their expiry, and keys past their retention. */
  purgeExpired(now: Date): Promise<void>;

  close(): Promise<void>;
}

/** What a tenant shows of itself: the hosted sign-in page is titled with its display name. */
export interface TenantProfile {
  /** Normalised by tenants/display-name.ts; the tenant id when none was given. */
  displayName: string;
  /** A disabled tenant issues nothing and serves no metadata; its data stays. */
  disabled: boolean;
  /** Overrides of the default sign-in protection policy; {} for none. */
  signInPolicy: Record<string, number>;
}

/** What a tenant is created with. */
export interface NewTenantProfile {
  displayName: string;
  /** The customer (of the brand file's `customers`) whose key protects its personal data, or null. */
  customer?: string | null;
  /** That customer's key: `alias/brandstack/<brand>/<customer>`, or null. */
  kmsKeyAlias?: string | null;
}

/** A tenant as the admin API lists it. */
export interface TenantSummary extends TenantProfile {
  id: string;
  customer: string | null;
  kmsKeyAlias: string | null;
  /** A move to another customer key in progress (issue 14 §6), or null. */
  move: CustomerMoveState | null;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface TenantChange {
  signInPolicy?: Record<string, number>;
  disabledAt?: Date;
  /** Starts, advances or (null) ends a customer move. */
  move?: CustomerMoveState | null;
  /** The customer and key the tenant is bound to (set when a move completes). */
  customer?: { customer: string; kmsKeyAlias: string };
}

/** Where a tenant's move to another customer key stands: resumable from `after`. */
export interface CustomerMoveState {
  customer: string;
  kmsKeyAlias: string;
  /** The index key is re-wrapped already. */
  indexKeyMoved: boolean;
  /** Users with ids up to this one are re-wrapped ('' before the first). */
  after: string;
}

/** The changes a client may undergo after creation; each member given is replaced. */
export interface ClientChange {
  secretHash?: Buffer;
  /** Only for a client from before issue 14 whose JWKS has none yet. */
  jwksAttestation?: Buffer;
  authorities?: string[];
  disabledAt?: Date | null;
}

export interface RevocationPlan {
  at: Date;
  /** The compromised key, removed from the JWKS at once. */
  remove: string;
  /** When the removed key was active: the next key, which starts signing now. */
  activate?: string;
  /** When the removed key was active or next: a fresh next key. */
  publish?: StoredSigningKey;
}

/**
 * A key's life: `next` (published, not signing) → `active` (signing) → `retired` (published
 * until `retainUntil`, its private half erased). RFC 7517 verifiers pick keys by kid, so a key
 * must be in the JWKS before the first token it signs and after the last one expires.
 */
export type KeyStatus = 'next' | 'active' | 'retired';

/**
 * A public signing key as published in a JWKS (RFC 7517 §4, RFC 7518 §6.3.1), and as stored.
 * Defined with the records rather than in keys/, so the store depends on nothing above it.
 */
export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface StoredSigningKey {
  kid: string;
  status: KeyStatus;
  publicJwk: PublicJwk;
  /** AES-256-GCM sealed PKCS#8 (keys/signing-key-sealer.ts); null once retired, as it will never sign again. */
  sealedPrivateKey: Buffer | null;
  /**
   * The sealer's attestation of `publicJwk` for this tenant (issue 14 §7): a key is published and
   * verifies tokens only when it checks. Null on rows from before issue 14 until the runtime
   * attests them at start (KeyRotation.attestUnattested).
   */
  attestation: Buffer | null;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
  retainUntil: Date | null;
}

export interface RotationState {
  keys: StoredSigningKey[];
  /** The longest access-token TTL among the tenant's clients, in seconds (0 without clients). */
  maxAccessTokenTtl: number;
}

export interface RotationPlan {
  at: Date;
  /** The current active key becomes retired and is kept until this instant. */
  retire: { kid: string; retainUntil: Date };
  /** The current next key starts signing. */
  activate: string;
  /** The freshly generated key published as the new next key. */
  publish: StoredSigningKey;
  /** Retired keys whose retention has passed. */
  drop: string[];
}

/** RFC 7591 §2 token_endpoint_auth_method; `none` is a public client (RFC 6749 §2.1), which must use PKCE. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

/** RFC 7591 §2 grant_types this runtime implements. */
export type ClientGrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export interface StoredClient {
  tenantId: string;
  clientId: string;
  authMethod: ClientAuthMethod;
  /** HMAC-SHA-256 of the secret (SecretHasher); null for private_key_jwt clients. */
  secretHash: Buffer | null;
  /** The client's public keys for private_key_jwt (RFC 7591 §2 `jwks`); null otherwise. */
  jwks: { keys: Record<string, unknown>[] } | null;
  /** The sealer's attestation of `jwks` (issue 14 §7); a JWKS whose attestation fails authenticates nobody. */
  jwksAttestation: Buffer | null;
  scopes: string[];
  /** Resource indicators (RFC 8707) this client may request; each becomes an `aud` value. */
  resources: string[];
  defaultResource: string;
  accessTokenTtl: number;
  /** RFC 7591 §2 grant_types; a public client never has client_credentials. */
  grantTypes: ClientGrantType[];
  /** RFC 7591 §2 redirect_uris, compared by exact string match (RFC 9700 §4.1.3). */
  redirectUris: string[];
  /** OpenID Connect RP-Initiated Logout 1.0 §3.1 post_logout_redirect_uris, exact match. */
  postLogoutRedirectUris: string[];
  /** Admin and tenant-defined authorities carried in the client's own access tokens (issue 13 §2). */
  authorities: string[];
  createdAt: Date;
  /** A disabled client cannot authenticate; its tokens fail introspection and /admin. */
  disabledAt: Date | null;
}
