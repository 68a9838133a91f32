import { readFileSync } from 'node:fs';
import { MIN_PLATFORM_ADMIN_SECRET_LENGTH } from '../identifiers/platform';
import { join } from 'node:path';
import { parseAmqpUrl } from '../events/amqp-url';
import { SCHEMA_NAME } from '../store/postgres/postgres-store';
import { parseKeyConfig } from './key-config';
import type { KeyConfig } from './key-config';
import { CLIENT_ID } from '../clients/client-registration';
import { ConfigError, InvalidSigningKey } from '../errors/operator-errors';
import { rsaSigningKeyFromPem } from '../keys/rsa-key';
import type { TrustedProxies } from '../sign-in-protection/trusted-proxies';
import type { RsaSigningKey } from '../keys/rsa-key';
import { integer, issuerBase, optional, secret, secretOrFile, trustedProxies } from './env';
import type { Env } from './env';
import { parseTuning } from './runtime-config';
import type { RuntimeTuning } from './runtime-config';

/** `npm start`: everything optional; what is set is still validated. */
export interface EmbeddedConfig extends RuntimeTuning {
  host: string;
  port: number;
  issuerBaseUrl?: string;
  /** The demo tenant's first signing key, from SIGNING_KEY_FILE; generated when absent. */
  signingKey?: RsaSigningKey;
  demoClientId?: string;
  demoClientSecret?: string;
  /** PLATFORM_ADMIN_CLIENT_SECRET(_FILE); generated (and printed) when absent. */
  platformAdminClientSecret?: string;
  /** AMQP_URL(_FILE): publish events to this RabbitMQ instead of the in-process bus. */
  amqpUrl?: string;
  /** DATABASE_URL: PostgreSQL in development mode instead of the in-memory store (issue 14 §9). */
  databaseUrl?: string;
  /** DATABASE_SCHEMA. @default 'brandstack_dev' */
  databaseSchema: string;
  /** Where development mode keeps what must outlive a restart: local master keys, generated secrets. @default '.brandstack' */
  stateDir: string;
  keys: KeyConfig;
  /** TRUSTED_PROXY_CIDRS, as in production. @default nobody: the socket peer is the client */
  trustedProxies: TrustedProxies;
}

/** Secrets we did not generate must at least be long enough to be unguessable. */
export const MIN_DEMO_SECRET_LENGTH = 32;

export function parseEmbeddedConfig(env: Env): EmbeddedConfig {
  const demoClientId = optional(env, 'DEMO_CLIENT_ID');
  if (demoClientId !== undefined && !CLIENT_ID.test(demoClientId)) {
    throw new ConfigError('DEMO_CLIENT_ID', `DEMO_CLIENT_ID must match ${CLIENT_ID}, got "${demoClientId}".`);
  }
  return {
    ...parseTuning(env),
    host: optional(env, 'HOST') ?? '127.0.0.1',
    port: integer(env, 'PORT', 8080, 0, 65_535),
    issuerBaseUrl: issuerBase(env, 'ISSUER_BASE_URL', { required: false, allowHttp: true }),
    signingKey: signingKeyFile(optional(env, 'SIGNING_KEY_FILE')),
    demoClientId,
    // Client secrets are checked with a fast keyed hash, which is only sound for high-entropy
    // secrets; see SecretHasher.
    demoClientSecret: secret(env, 'DEMO_CLIENT_SECRET', MIN_DEMO_SECRET_LENGTH, 'a high-entropy value, e.g. openssl rand -base64 32'),
    platformAdminClientSecret: secretOrFile(env, 'PLATFORM_ADMIN_CLIENT_SECRET', MIN_PLATFORM_ADMIN_SECRET_LENGTH, 'e.g. openssl rand -base64 32'),
    amqpUrl: parseAmqpUrl(env)?.url,
    databaseUrl: developmentDatabase(env),
    databaseSchema: developmentSchema(env),
    stateDir: optional(env, 'BRANDSTACK_STATE_DIR') ?? '.brandstack',
    keys: parseKeyConfig(env, { production: false, defaultLocalKeysFile: optional(env, 'DATABASE_URL') === undefined ? undefined : join(optional(env, 'BRANDSTACK_STATE_DIR') ?? '.brandstack', 'local-keys.json') }),
    trustedProxies: trustedProxies(env, 'TRUSTED_PROXY_CIDRS'),
  };
}

function signingKeyFile(path: string | undefined): RsaSigningKey | undefined {
  if (path === undefined) return undefined;
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw new ConfigError('SIGNING_KEY_FILE', `SIGNING_KEY_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)} (${path}).`);
  }
  try {
    return rsaSigningKeyFromPem(pem);
  } catch (error) {
    if (!(error instanceof InvalidSigningKey)) throw error;
    throw new ConfigError('SIGNING_KEY_FILE', `SIGNING_KEY_FILE must hold a PEM RSA private key of at least 2048 bits: ${error.description} (${path}).`, {
      detail: error.detail,
      cause: error,
    });
  }
}

function developmentDatabase(env: Env): string | undefined {
  const url = optional(env, 'DATABASE_URL');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError('DATABASE_URL', 'DATABASE_URL must be a postgres:// or postgresql:// URL.');
  return url;
}

function developmentSchema(env: Env): string {
  const schema = optional(env, 'DATABASE_SCHEMA') ?? 'brandstack_dev';
  if (!SCHEMA_NAME.test(schema)) throw new ConfigError('DATABASE_SCHEMA', `DATABASE_SCHEMA must be a lower-case SQL identifier matching ${SCHEMA_NAME}, got "${schema}".`);
  return schema;
}
