import { ConfigError } from '../errors/operator-errors';
import { optional } from './env';
import type { Env } from './env';

export const KEY_PROVIDER_CHOICES = ['kms', 'local'] as const;
export type KeyProviderChoice = (typeof KEY_PROVIDER_CHOICES)[number];

/** Where the runtime's keys come from (issue 14 §8). */
export interface KeyConfig {
  /** PII_KEY_PROVIDER: data keys of personal data, under each tenant's customer key. */
  personalData: KeyProviderChoice;
  /** SIGNING_KEY_SEAL: data keys sealing private signing keys, under the brand platform key. */
  signingKeySeal: KeyProviderChoice;
  /** ALLOW_INSECURE_LOCAL_KEYS=1: `local` accepted in production; warned at every start, shown by /healthz/ready. */
  insecureLocalKeys: boolean;
  /** LOCAL_KEYS_FILE: the local provider's master keys, kept across restarts (mode 0600). */
  localKeysFile: string | undefined;
  /** AWS_REGION: where the brand's KMS keys live (kms). */
  region: string | undefined;
  /** BRANDSTACK_BRAND: names the keys, `alias/brandstack/<brand>/<customer|platform>`. */
  brand: string;
  /** BRANDSTACK_CUSTOMERS: the brand file's customers; a tenant may only name one of them. */
  customers: string[] | undefined;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Production: both providers must be named; `local` (master keys held by the process or a file)
 * is refused unless ALLOW_INSECURE_LOCAL_KEYS=1 asks for it, and then needs LOCAL_KEYS_FILE, or
 * every restart would make the stored keys unreadable. `kms` needs AWS_REGION and
 * BRANDSTACK_BRAND. `npm start` defaults to `local`, with a key file when it has a database.
 * Every error is one sentence naming the variable and what it accepts.
 */
export function parseKeyConfig(env: Env, mode: { production: boolean; defaultLocalKeysFile?: string }): KeyConfig {
  const choice = (name: string): KeyProviderChoice => {
    const value = optional(env, name);
    if (value === undefined) {
      if (!mode.production) return 'local';
      throw new ConfigError(name, `${name} is required: one of ${KEY_PROVIDER_CHOICES.join(', ')} (kms in production; local only with ALLOW_INSECURE_LOCAL_KEYS=1).`);
    }
    if (!(KEY_PROVIDER_CHOICES as readonly string[]).includes(value)) throw new ConfigError(name, `${name} must be one of ${KEY_PROVIDER_CHOICES.join(', ')}, got "${value}".`);
    return value as KeyProviderChoice;
  };
  const personalData = choice('PII_KEY_PROVIDER');
  const signingKeySeal = choice('SIGNING_KEY_SEAL');
  const allow = optional(env, 'ALLOW_INSECURE_LOCAL_KEYS');
  if (allow !== undefined && allow !== '1') throw new ConfigError('ALLOW_INSECURE_LOCAL_KEYS', `ALLOW_INSECURE_LOCAL_KEYS must be 1 or unset, got "${allow}".`);
  const usesLocal = personalData === 'local' || signingKeySeal === 'local';
  if (mode.production && usesLocal && allow !== '1') {
    const name = personalData === 'local' ? 'PII_KEY_PROVIDER' : 'SIGNING_KEY_SEAL';
    throw new ConfigError(name, `${name}=local keeps master keys outside KMS and is refused in production; use kms, or set ALLOW_INSECURE_LOCAL_KEYS=1 to accept it explicitly.`);
  }
  const localKeysFile = optional(env, 'LOCAL_KEYS_FILE') ?? (usesLocal ? mode.defaultLocalKeysFile : undefined);
  if (mode.production && usesLocal && localKeysFile === undefined) {
    throw new ConfigError('LOCAL_KEYS_FILE', 'LOCAL_KEYS_FILE is required with a local key provider in production: the master keys must outlive the process, or stored keys become unreadable.');
  }
  const usesKms = personalData === 'kms' || signingKeySeal === 'kms';
  const region = optional(env, 'AWS_REGION');
  if (usesKms && (region === undefined || !REGION.test(region))) {
    throw new ConfigError('AWS_REGION', `AWS_REGION is required with the kms key provider: the brand's region, such as eu-central-1${region === undefined ? '' : `, got "${region}"`}.`);
  }
  const brand = optional(env, 'BRANDSTACK_BRAND') ?? (usesKms ? undefined : 'local');
  if (brand === undefined || !ID.test(brand)) {
    throw new ConfigError('BRANDSTACK_BRAND', `BRANDSTACK_BRAND is required with the kms key provider: the brand id that names its keys (alias/brandstack/<brand>/...)${brand === undefined ? '' : `, got "${brand}"`}.`);
  }
  const list = optional(env, 'BRANDSTACK_CUSTOMERS');
  const customers = list?.split(',').map((c) => c.trim()).filter((c) => c !== '');
  for (const customer of customers ?? []) {
    if (!ID.test(customer)) throw new ConfigError('BRANDSTACK_CUSTOMERS', `BRANDSTACK_CUSTOMERS must list customer ids (lower-case letters, digits, hyphens), got "${customer}".`);
  }
  return { personalData, signingKeySeal, insecureLocalKeys: mode.production && usesLocal, localKeysFile, region, brand, customers };
}
