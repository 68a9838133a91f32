import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A complete environment for the production entrypoint (runtime/src/server.ts) on these machines:
 * fresh key material, the loopback RabbitMQ, and, as there is no AWS here, the local key
 * provider, accepted only because ALLOW_INSECURE_LOCAL_KEYS=1 asks for it, with its own key file
 * (so a restarted process opens what it sealed). `overrides` replace members; an undefined one
 * leaves the variable out, for the tests of a missing variable.
 */
export function productionEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    SIGNING_KEY_SOURCE: 'database',
    KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PII_KEY_PROVIDER: 'local',
    SIGNING_KEY_SEAL: 'local',
    ALLOW_INSECURE_LOCAL_KEYS: '1',
    LOCAL_KEYS_FILE: join(mkdtempSync(join(tmpdir(), 'bs-keys-')), 'local-keys.json'),
    CLIENT_SECRET_PEPPER: randomBytes(32).toString('base64'),
    PLATFORM_ADMIN_CLIENT_SECRET: randomBytes(32).toString('base64url'),
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
    ISSUER_BASE_URL: 'https://id.example.test',
    HOST: '127.0.0.1',
    PORT: '0',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
