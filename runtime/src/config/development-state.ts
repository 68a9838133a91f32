import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors/operator-errors';

/** What `npm start` on PostgreSQL keeps across restarts besides the local master keys. */
export interface DevelopmentState {
  platformAdminClientSecret: string;
  clientSecretPepper: Buffer;
}

/**
 * `npm start` with DATABASE_URL (development mode): the client-secret pepper and the generated
 * platform-admin secret must outlive the process, or stored client secrets stop matching and the
 * bootstrap client conflicts at the next start. Kept in `<dir>/development-state.json`, mode
 * 0600, created on first use. Development only: production takes them from Secrets Manager.
 */
export function developmentState(dir: string): DevelopmentState {
  const file = join(dir, 'development-state.json');
  let raw: string | undefined;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError('BRANDSTACK_STATE_DIR', `${file} cannot be read: ${(error as NodeJS.ErrnoException).code}.`);
  }
  if (raw === undefined) {
    const state = { platformAdminClientSecret: randomBytes(32).toString('base64url'), clientSecretPepper: randomBytes(32).toString('base64') };
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
    raw = JSON.stringify(state);
  }
  let parsed: { platformAdminClientSecret?: unknown; clientSecretPepper?: unknown } | null;
  try {
    parsed = JSON.parse(raw) as typeof parsed;
  } catch {
    parsed = null;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.platformAdminClientSecret !== 'string' || typeof parsed.clientSecretPepper !== 'string') {
    throw new ConfigError('BRANDSTACK_STATE_DIR', `${file} is not a development state file (platformAdminClientSecret, clientSecretPepper); remove it to start afresh.`);
  }
  return { platformAdminClientSecret: parsed.platformAdminClientSecret, clientSecretPepper: Buffer.from(parsed.clientSecretPepper, 'base64') };
}
