import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The production entrypoint's key settings for these machines, which have no AWS: the local
 * provider, accepted only because ALLOW_INSECURE_LOCAL_KEYS=1 asks for it, with a key file so a
 * restarted process still opens what it sealed. One file per call unless one is given.
 */
export function localKeysEnv(file = join(mkdtempSync(join(tmpdir(), 'bs-keys-')), 'local-keys.json')): Record<string, string> {
  return { PII_KEY_PROVIDER: 'local', SIGNING_KEY_SEAL: 'local', ALLOW_INSECURE_LOCAL_KEYS: '1', LOCAL_KEYS_FILE: file };
}
