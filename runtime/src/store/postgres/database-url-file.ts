import { readFile } from 'node:fs/promises';
import { parse as parseConnectionString, toClientConfig } from 'pg-connection-string';
import type { PoolConfig } from 'pg';
import { UnusableDatabaseUrlFile } from '../../errors/operator-errors';

/** The connection settings a running pool cannot change: they are fixed when the pool is built. */
export const FIXED_FIELDS = ['host', 'port', 'user', 'database'] as const;
export type FixedField = (typeof FIXED_FIELDS)[number];

/**
 * A PostgreSQL URL kept in a file (DATABASE_URL_FILE) that may be rewritten while the process runs:
 * a Kubernetes secret volume, which the kubelet refreshes after Secrets Manager rotates the master
 * password and the External Secrets Operator rewrites the Secret.
 *
 * node-postgres asks for the password of every NEW connection through `password()`, so the pool
 * picks up a rotated password without a restart; connections already open stay authenticated
 * (PostgreSQL checks the password only at connection start).
 *
 * Limits: host, port, user, database and TLS settings are read once, when the pool is built;
 * a file that names other ones is reported through `onFixedFieldChange` (restart to apply), and
 * the pool keeps connecting to the first ones with the file's current password. So this follows
 * single-user rotation (same user, new password), not alternating-users rotation (a new user at
 * each rotation). Between the rotation and the file's refresh (operator refresh interval plus the
 * kubelet's sync, about two minutes) new connections still send the old password and fail. Parsing uses
 * pg-connection-string, the parser node-postgres applies to `connectionString`, so both forms of
 * the URL mean the same.
 */
export class DatabaseUrlFile {
  readonly path: string;
  readonly #initialUrl: string;
  readonly #initial: Record<FixedField, string>;
  readonly #onFixedFieldChange: (fields: FixedField[]) => void;
  /** The last change reported, so a lasting change is reported once, not at every connection. */
  #reported = '';

  constructor(path: string, initialUrl: string, onFixedFieldChange: (fields: FixedField[]) => void = () => {}) {
    this.path = path;
    this.#initialUrl = initialUrl;
    this.#initial = fixedFields(parseConnectionString(initialUrl));
    this.#onFixedFieldChange = onFixedFieldChange;
  }

  /** Pool settings from the URL at start, with a password read from the file for each new connection. */
  poolConfig(): PoolConfig {
    const config: PoolConfig = toClientConfig(parseConnectionString(this.#initialUrl));
    return { ...config, password: () => this.currentPassword() };
  }

  /** The password the file holds now. Throws UnusableDatabaseUrlFile (failing that one connection) when it cannot be read or parsed. */
  async currentPassword(): Promise<string> {
    let url: string;
    try {
      url = (await readFile(this.path, 'utf8')).trim();
    } catch (error) {
      // Never the content: only the path and the system error code.
      throw new UnusableDatabaseUrlFile(`DATABASE_URL_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'} (${this.path})`, { cause: error });
    }
    let parsed: ReturnType<typeof parseConnectionString>;
    try {
      parsed = parseConnectionString(url);
    } catch (error) {
      // A parser message may quote the URL, password included: keep only its kind, and not the
      // error itself as the cause.
      throw new UnusableDatabaseUrlFile(`DATABASE_URL_FILE does not hold a valid PostgreSQL URL (${(error as Error).name}, ${this.path})`);
    }
    const current = fixedFields(parsed);
    const changed = FIXED_FIELDS.filter((field) => current[field] !== this.#initial[field]);
    const signature = changed.map((field) => `${field}=${current[field]}`).join('&');
    if (signature !== this.#reported) {
      this.#reported = signature;
      if (changed.length > 0) this.#onFixedFieldChange(changed);
    }
    return parsed.password ?? '';
  }
}

function fixedFields(parsed: ReturnType<typeof parseConnectionString>): Record<FixedField, string> {
  return { host: parsed.host ?? '', port: parsed.port ?? '', user: parsed.user ?? '', database: parsed.database ?? '' };
}
