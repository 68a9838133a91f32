/**
 * Schema migrations, applied in order and recorded in `schema_migrations`. They live in code,
 * not .sql files, so the esbuild bundle that the container runs carries them. Never edit an
 * applied migration; append a new one.
 *
 * The CHECK constraints restate the store's invariants in the database, so even a bug in the
 * service cannot persist, say, a retired key that still holds private material or a second
 * active key for a tenant.
 */
export const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'tenants, signing keys, clients, revocations, client assertion ids',
    sql: `
CREATE TABLE tenants (
  id          text PRIMARY KEY,
  created_at  timestamptz NOT NULL
);

CREATE TABLE signing_keys (
  tenant_id           text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  kid                 text NOT NULL,
  status              text NOT NULL CHECK (status IN ('next', 'active', 'retired')),
  public_jwk          jsonb NOT NULL,
  sealed_private_key  bytea,
  created_at          timestamptz NOT NULL,
  activated_at        timestamptz,
  retired_at          timestamptz,
  retain_until        timestamptz,
  PRIMARY KEY (tenant_id, kid),
  CHECK ((status = 'retired') = (sealed_private_key IS NULL)),
  CHECK ((status = 'retired') = (retain_until IS NOT NULL))
);
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (tenant_id) WHERE status = 'active';
CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (tenant_id) WHERE status = 'next';

CREATE TABLE clients (
  tenant_id         text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  client_id         text NOT NULL,
  auth_method       text NOT NULL CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt')),
  secret_hash       bytea,
  jwks              jsonb,
  scopes            text[] NOT NULL,
  resources         text[] NOT NULL,
  default_resource  text NOT NULL,
  access_token_ttl  integer NOT NULL CHECK (access_token_ttl > 0),
  created_at        timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, client_id),
  CHECK ((auth_method = 'private_key_jwt') = (secret_hash IS NULL)),
  CHECK ((auth_method = 'private_key_jwt') = (jwks IS NOT NULL)),
  CHECK (default_resource = ANY (resources))
);

CREATE TABLE revoked_tokens (
  tenant_id   text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  jti         text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, jti)
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);

CREATE TABLE client_assertion_ids (
  tenant_id   text NOT NULL,
  client_id   text NOT NULL,
  jti         text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, client_id, jti),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, client_id) ON DELETE CASCADE
);
CREATE INDEX client_assertion_ids_expiry ON client_assertion_ids (expires_at);
`,
  },
  {
    version: 2,
    name: 'users and their password hashes',
    sql: `
-- username_key is the comparison form (NFKC, lower-case): unique per tenant, so "Alice" and
-- "alice" cannot be two accounts. The PHC string carries algorithm and parameters.
CREATE TABLE users (
  tenant_id     text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  id            text NOT NULL,
  username      text NOT NULL,
  username_key  text NOT NULL,
  email         text,
  name          text,
  phone         text,
  status        text NOT NULL CHECK (status IN ('active', 'disabled')),
  authorities   text[] NOT NULL DEFAULT '{}',
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  CONSTRAINT users_username_unique UNIQUE (tenant_id, username_key)
);

CREATE TABLE passwords (
  tenant_id   text NOT NULL,
  user_id     text NOT NULL,
  phc         text NOT NULL CHECK (phc LIKE '$argon2id$%'),
  changed_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, user_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
`,
  },
  {
    version: 3,
    name: 'public clients and redirect URIs; authorization grants, codes, refresh tokens',
    sql: `
ALTER TABLE clients
  ADD COLUMN grant_types text[] NOT NULL DEFAULT '{client_credentials}',
  ADD COLUMN redirect_uris text[] NOT NULL DEFAULT '{}',
  ADD COLUMN post_logout_redirect_uris text[] NOT NULL DEFAULT '{}';
-- Version 1's checks on auth_method are unnamed (PostgreSQL chose their names); replace them by
-- named ones that admit public clients (token_endpoint_auth_method none: no secret, no keys).
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = to_regclass('clients') AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%auth_method%'
  LOOP
    EXECUTE format('ALTER TABLE clients DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE clients
  ADD CONSTRAINT clients_auth_method CHECK (auth_method IN ('client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none')),
  ADD CONSTRAINT clients_secret_iff_secret_method CHECK ((auth_method IN ('private_key_jwt', 'none')) = (secret_hash IS NULL)),
  ADD CONSTRAINT clients_jwks_iff_private_key_jwt CHECK ((auth_method = 'private_key_jwt') = (jwks IS NOT NULL)),
  ADD CONSTRAINT clients_public_no_client_credentials CHECK (NOT (auth_method = 'none' AND 'client_credentials' = ANY (grant_types))),
  ADD CONSTRAINT clients_grant_types CHECK (grant_types <@ ARRAY['authorization_code', 'refresh_token', 'client_credentials']::text[] AND cardinality(grant_types) > 0);

CREATE TABLE grants (
  tenant_id   text NOT NULL,
  grant_id    text NOT NULL,
  client_id   text NOT NULL,
  user_id     text NOT NULL,
  scopes      text[] NOT NULL,
  auth_time   timestamptz NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  PRIMARY KEY (tenant_id, grant_id),
  FOREIGN KEY (tenant_id, client_id) REFERENCES clients (tenant_id, client_id) ON DELETE CASCADE,
  -- Deleting a user deletes their grants, and with them codes and refresh tokens (UserStore.deleteUser).
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX grants_expiry ON grants (expires_at);
CREATE INDEX grants_user ON grants (tenant_id, user_id);

-- Codes and refresh tokens are stored as SHA-256 hashes only (RFC 9700 §4.14.2 asks that a
-- leaked database not yield usable tokens).
CREATE TABLE authorization_codes (
  tenant_id       text NOT NULL,
  code_hash       text NOT NULL,
  grant_id        text NOT NULL,
  client_id       text NOT NULL,
  redirect_uri    text NOT NULL,
  code_challenge  text NOT NULL,
  nonce           text,
  expires_at      timestamptz NOT NULL,
  redeemed_at     timestamptz,
  PRIMARY KEY (tenant_id, code_hash),
  FOREIGN KEY (tenant_id, grant_id) REFERENCES grants (tenant_id, grant_id) ON DELETE CASCADE
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

CREATE TABLE refresh_tokens (
  tenant_id   text NOT NULL,
  token_hash  text NOT NULL,
  grant_id    text NOT NULL,
  expires_at  timestamptz NOT NULL,
  rotated_at  timestamptz,
  PRIMARY KEY (tenant_id, token_hash),
  FOREIGN KEY (tenant_id, grant_id) REFERENCES grants (tenant_id, grant_id) ON DELETE CASCADE
);

CREATE TABLE grant_access_tokens (
  tenant_id   text NOT NULL,
  grant_id    text NOT NULL,
  jti         text NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, jti),
  FOREIGN KEY (tenant_id, grant_id) REFERENCES grants (tenant_id, grant_id) ON DELETE CASCADE
);
`,
  },
  {
    version: 4,
    name: 'sign-in protection: failed attempts per client IP and per account',
    sql: `
-- No foreign key to tenants: these rows are written on the request path, after the tenant was
-- resolved, and are purged by age; a tenant's removal need not wait for them.
CREATE TABLE sign_in_ip_attempts (
  tenant_id          text NOT NULL,
  ip                 text NOT NULL,
  failures           integer NOT NULL CHECK (failures >= 0),
  window_started_at  timestamptz,
  account_keys       text[] NOT NULL,
  blocked_until      timestamptz,
  blocks             integer NOT NULL CHECK (blocks >= 0),
  updated_at         timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, ip),
  CHECK ((failures = 0) OR (window_started_at IS NOT NULL))
);
CREATE INDEX sign_in_ip_attempts_age ON sign_in_ip_attempts (updated_at);

-- account_key is a keyed hash (AccountPseudonyms), never the username.
CREATE TABLE sign_in_account_attempts (
  tenant_id        text NOT NULL,
  account_key      text NOT NULL,
  failures         integer NOT NULL CHECK (failures > 0),
  last_failure_at  timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, account_key)
);
CREATE INDEX sign_in_account_attempts_age ON sign_in_account_attempts (last_failure_at);
`,
  },
  {
    version: 5,
    name: 'tenant display names',
    // Null for tenants created before names existed: they show their id.
    sql: `
ALTER TABLE tenants ADD COLUMN display_name text CHECK (char_length(display_name) BETWEEN 1 AND 100);
`,
  },
  {
    version: 6,
    name: 'event outbox',
    // The transactional outbox (store/outbox/postgres-outbox.ts): an event is inserted in the
    // transaction of the change it records and published to RabbitMQ by the relay. `position`
    // gives the relay its order (ids are random); the partial index keeps the relay's scan to
    // the unsent rows however many sent ones remain.
    sql: `
CREATE TABLE event_outbox (
  id           uuid PRIMARY KEY,
  position     bigint GENERATED ALWAYS AS IDENTITY,
  kind         text NOT NULL CHECK (kind IN ('audit', 'security')),
  tenant       text NOT NULL,
  action       text NOT NULL,
  routing_key  text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  sent_at      timestamptz,
  attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)
);
CREATE INDEX event_outbox_unsent ON event_outbox (position) WHERE sent_at IS NULL;
CREATE INDEX event_outbox_sent ON event_outbox (sent_at) WHERE sent_at IS NOT NULL;
`,
  },
  {
    version: 7,
    name: 'audit trail: hash-chained events and chain heads per tenant',
    // No foreign key to tenants: denied attempts are audited too, and a tenant's trail must
    // outlive the tenant. audit_heads holds each chain's end; appends lock it (FOR UPDATE) so a
    // tenant's chain never forks, and verify compares against it so a deleted last event shows.
    sql: `
CREATE TABLE audit_heads (
  tenant_id      text PRIMARY KEY,
  last_sequence  bigint NOT NULL CHECK (last_sequence >= 0),
  last_hash      text NOT NULL CHECK (last_hash ~ '^[0-9a-f]{64}$')
);

CREATE TABLE audit_events (
  tenant_id        text NOT NULL,
  sequence         bigint NOT NULL CHECK (sequence > 0),
  id               text NOT NULL UNIQUE,
  time             timestamptz NOT NULL,
  actor_type       text NOT NULL CHECK (actor_type IN ('user', 'client', 'anonymous')),
  actor_id         text,
  actor_client_id  text,
  action           text NOT NULL,
  target_type      text NOT NULL,
  target_id        text,
  outcome          text NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
  source_ip        text,
  request_id       text,
  previous_hash    text NOT NULL CHECK (previous_hash ~ '^[0-9a-f]{64}$'),
  hash             text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  PRIMARY KEY (tenant_id, sequence),
  CHECK ((actor_type = 'anonymous') = (actor_id IS NULL))
);
CREATE INDEX audit_events_time ON audit_events (tenant_id, time);
`,
  },
  {
    version: 8,
    name: 'tenant administration: client authorities and disabling, tenant KMS key alias, policy and disabling',
    // A disabled client or tenant keeps its rows (its audit trail names it; re-enabling is a
    // later choice); authorities are plain strings checked by the service (authorities/).
    sql: `
ALTER TABLE clients ADD COLUMN authorities text[] NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN disabled_at timestamptz;
ALTER TABLE tenants ADD COLUMN kms_key_alias text CHECK (kms_key_alias ~ '^alias/[A-Za-z0-9/_-]{1,250}$');
ALTER TABLE tenants ADD COLUMN disabled_at timestamptz;
ALTER TABLE tenants ADD COLUMN sign_in_policy jsonb NOT NULL DEFAULT '{}';
`,
  },
  {
    version: 9,
    name: 'personal data under customer keys: sealed user fields, blind indexes, tenant customers and index keys',
    // Issue 14. Personal fields move to *_ct columns (AES-256-GCM under the user's data key,
    // which rests wrapped by the customer key in data_key); lookups and uniqueness move to keyed
    // blind indexes. Rows from before (username_index NULL) keep their plaintext until the
    // runtime seals them at start (EncryptedUserStore.sealLegacyUsers), which empties the
    // plaintext columns; the CHECKs forbid a sealed row that still holds plaintext.
    sql: `
ALTER TABLE signing_keys ADD COLUMN attestation bytea;
ALTER TABLE clients ADD COLUMN jwks_attestation bytea;
-- A move to another customer key (re-wrap, resumable): null when none is in progress.
ALTER TABLE tenants ADD COLUMN customer_move jsonb;
ALTER TABLE tenants ADD COLUMN customer text CHECK (customer ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$');
ALTER TABLE tenants ADD COLUMN index_key bytea;
ALTER TABLE tenants ADD COLUMN index_key_id text;

ALTER TABLE users ALTER COLUMN username DROP NOT NULL;
ALTER TABLE users ALTER COLUMN username_key DROP NOT NULL;
ALTER TABLE users ADD COLUMN username_index text;
ALTER TABLE users ADD COLUMN email_index text;
ALTER TABLE users ADD COLUMN username_ct text;
ALTER TABLE users ADD COLUMN email_ct text;
ALTER TABLE users ADD COLUMN name_ct text;
ALTER TABLE users ADD COLUMN phone_ct text;
ALTER TABLE users ADD COLUMN data_key bytea;
ALTER TABLE users ADD COLUMN data_key_id text;
CREATE UNIQUE INDEX users_username_index ON users (tenant_id, username_index);
CREATE UNIQUE INDEX users_email_index ON users (tenant_id, email_index) WHERE email_index IS NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_sealed_whole CHECK (
  (username_index IS NULL) = (username_ct IS NULL) AND (username_index IS NULL) = (data_key IS NULL) AND (username_index IS NULL) = (data_key_id IS NULL));
ALTER TABLE users ADD CONSTRAINT users_sealed_no_plaintext CHECK (
  username_index IS NULL OR (username IS NULL AND username_key IS NULL AND email IS NULL AND name IS NULL AND phone IS NULL));
ALTER TABLE users ADD CONSTRAINT users_legacy_has_username CHECK (username_index IS NOT NULL OR username IS NOT NULL);
`,
  },
];
