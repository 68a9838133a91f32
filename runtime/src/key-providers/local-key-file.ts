import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UnusableKeyFile } from '../errors/key-errors';
import { DATA_KEY_BYTES } from './key-provider';
import { isKeyRef, KEY_REF_FORMS } from './key-ref';

/**
 * The local provider's master keys on disk, for `npm start` with DATABASE_URL, so data written
 * in one run still opens in the next: `{ "<keyRef>": "<base64 of 32 bytes>" }`. The file is as
 * secret as the keys in it, so it is created with mode 0600 and refused when group or others
 * may read it (as ssh refuses a private key that is too open). Errors name the path and what is
 * wrong, never a value.
 */
export type LocalKeys = Map<string, Buffer>;

const BASE64 = /^[A-Za-z0-9+/]{43}=$/; // exactly 32 bytes, standard alphabet, padded

/** Reads and validates the file. */
export function readKeyFileSync(path: string): LocalKeys {
  let mode: number;
  let text: string;
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new UnusableKeyFile(path, `the local key file ${path} is not a regular file`);
    mode = stats.mode;
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UnusableKeyFile) throw error;
    throw unreadable(path, error);
  }
  return parseKeyFile(path, mode, text);
}

export async function readKeyFile(path: string): Promise<LocalKeys> {
  let mode: number;
  let text: string;
  try {
    const stats = await stat(path);
    if (!stats.isFile()) throw new UnusableKeyFile(path, `the local key file ${path} is not a regular file`);
    mode = stats.mode;
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof UnusableKeyFile) throw error;
    throw unreadable(path, error);
  }
  return parseKeyFile(path, mode, text);
}

/** Creates the file with no keys (mode 0600, its directory 0700 if missing); false when it already exists. */
export function createKeyFileSync(path: string): boolean {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    throw uncreatable(path, error);
  }
  try {
    writeFileSync(path, '{}\n', { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600); // the umask may have removed bits, never added them; make it exact
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw uncreatable(path, error);
  }
}

function uncreatable(path: string, error: unknown): UnusableKeyFile {
  return new UnusableKeyFile(path, `the local key file ${path} cannot be created: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
}

/**
 * Replaces the file's content atomically: a temporary file (0600) in the same directory,
 * fsync'd, then renamed over it, so a crash leaves the old keys or the new ones, never half.
 */
export async function writeKeyFile(path: string, keys: LocalKeys): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const content = `${JSON.stringify(Object.fromEntries([...keys].map(([keyRef, key]) => [keyRef, key.toString('base64')])), null, 2)}\n`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.chmod(0o600);
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new UnusableKeyFile(path, `the local key file ${path} cannot be written: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}

function parseKeyFile(path: string, mode: number, text: string): LocalKeys {
  if ((mode & 0o077) !== 0) {
    throw new UnusableKeyFile(path, `the local key file ${path} may be read by group or others (mode ${(mode & 0o777).toString(8).padStart(4, '0')}); chmod 600 it`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The parser's message can quote the content; it is not passed on.
    throw new UnusableKeyFile(path, `the local key file ${path} is not JSON; it must be { "<keyRef>": "<base64 of 32 bytes>" }`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UnusableKeyFile(path, `the local key file ${path} must hold a JSON object { "<keyRef>": "<base64 of 32 bytes>" }`);
  }
  const keys: LocalKeys = new Map();
  for (const [keyRef, value] of Object.entries(parsed)) {
    if (!isKeyRef(keyRef)) {
      throw new UnusableKeyFile(path, `the local key file ${path} names "${keyRef.slice(0, 300)}", which is not ${KEY_REF_FORMS}`);
    }
    if (typeof value !== 'string' || !BASE64.test(value)) {
      throw new UnusableKeyFile(path, `the local key file ${path} holds no base64 ${DATA_KEY_BYTES}-byte key for ${keyRef}`);
    }
    keys.set(keyRef, Buffer.from(value, 'base64'));
  }
  return keys;
}

function unreadable(path: string, error: unknown): UnusableKeyFile {
  return new UnusableKeyFile(path, `the local key file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
}
