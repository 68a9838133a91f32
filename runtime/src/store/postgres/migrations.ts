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
];
