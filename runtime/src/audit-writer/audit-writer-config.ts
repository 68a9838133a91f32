import { ConfigError } from '../errors/operator-errors';
import { integer, oneOf, optional } from '../config/env';
import type { Env } from '../config/env';
import { parseMongoUrl } from '../config/mongo-url';
import type { MongoUrlConfig } from '../config/mongo-url';
import { parseAmqpUrl } from '../events/amqp-url';
import type { AmqpUrlConfig } from '../events/amqp-url';
import { LOG_LEVELS } from '../support/logger';
import type { LogLevel } from '../support/logger';

/**
 * Bounds of AUDIT_RETENTION_DAYS. At least a day: a shorter TTL would expire events before anyone
 * could read them. At most ten years: longer than any stage keeps them (lib/config/stages.ts), and
 * well inside the 32-bit seconds MongoDB and DocumentDB accept for expireAfterSeconds.
 */
export const AUDIT_RETENTION_DAYS = { min: 1, max: 3653 } as const;

/** MongoDB database names: no `/\. "$*<>:|?`, under 64 bytes (https://www.mongodb.com/docs/manual/reference/limits/#naming-restrictions). */
const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;

export interface AuditWriterConfig {
  /** AMQP_URL or AMQP_URL_FILE: the broker whose `audit.#` events are written. */
  amqp: AmqpUrlConfig;
  /** AUDIT_MONGO_URL or AUDIT_MONGO_URL_FILE: MongoDB (DocumentDB) holding `audit_trail`. */
  mongo: MongoUrlConfig;
  /** AUDIT_MONGO_DATABASE. @default 'brandstack' */
  database: string;
  /** AUDIT_RETENTION_DAYS: the TTL index's retention; required in production. Undefined: kept forever. */
  retentionDays: number | undefined;
  /** HOST of the health and metrics listener. @default '0.0.0.0' in production, else '127.0.0.1' */
  host: string;
  /** PORT of the health and metrics listener. @default 8080 */
  port: number;
  logLevel: LogLevel;
}

/**
 * The audit writer's settings, each checked before anything connects. Production (NODE_ENV=
 * production) must say how long events are kept, per stage; elsewhere (a developer's machine)
 * the retention may be left out and nothing expires. Errors are ConfigErrors naming the variable,
 * and never echo a URL.
 */
export function parseAuditWriterConfig(env: Env): AuditWriterConfig {
  const production = optional(env, 'NODE_ENV') === 'production';
  const amqp = parseAmqpUrl(env);
  if (amqp === undefined) throw new ConfigError('AMQP_URL', 'AMQP_URL or AMQP_URL_FILE is required: the broker the audit writer consumes audit.# from (amqps://, or amqp:// to loopback).');
  const mongo = parseMongoUrl(env, 'AUDIT_MONGO_URL');
  if (mongo === undefined) throw new ConfigError('AUDIT_MONGO_URL', 'AUDIT_MONGO_URL or AUDIT_MONGO_URL_FILE is required: the MongoDB (DocumentDB) URL the audit trail is written to.');
  const database = optional(env, 'AUDIT_MONGO_DATABASE') ?? 'brandstack';
  if (!DATABASE_NAME.test(database)) throw new ConfigError('AUDIT_MONGO_DATABASE', `AUDIT_MONGO_DATABASE must be 1-63 letters, digits, '_' or '-', got "${database}".`);
  if (production && optional(env, 'AUDIT_RETENTION_DAYS') === undefined) {
    throw new ConfigError('AUDIT_RETENTION_DAYS', `AUDIT_RETENTION_DAYS is required in production: how many days audit events are kept (an integer from ${AUDIT_RETENTION_DAYS.min} to ${AUDIT_RETENTION_DAYS.max}).`);
  }
  const retentionDays = optional(env, 'AUDIT_RETENTION_DAYS') === undefined ? undefined : integer(env, 'AUDIT_RETENTION_DAYS', 0, AUDIT_RETENTION_DAYS.min, AUDIT_RETENTION_DAYS.max);
  return {
    amqp,
    mongo,
    database,
    retentionDays,
    host: optional(env, 'HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: integer(env, 'PORT', 8080, 0, 65_535),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}
