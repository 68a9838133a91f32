import { InvalidKeyProviderConfig } from '../errors/key-errors';
import { KEY_PROVIDER_NAMES } from './key-provider';
import type { KeyProvider } from './key-provider';
import { KmsKeyProvider } from './kms-key-provider';
import { LocalKeyProvider } from './local-key-provider';

export type KeyProviderConfig =
  /** AWS KMS in `region` (the brand's region, where its customer keys and platform key live). */
  | { provider: 'kms'; region: string }
  /** Local master keys: kept in `file` across restarts (created mode 0600 if missing), else in memory only. */
  | { provider: 'local'; file?: string };

/**
 * The key provider a configuration names. The configuration usually comes from environment
 * variables, so it is checked here too: an unknown provider, a missing region or an empty file
 * path is refused with an error naming the option and what is allowed. Whether `local` may run
 * in production is the entrypoint's decision (ALLOW_INSECURE_LOCAL_KEYS), not this factory's.
 */
export function createKeyProvider(config: KeyProviderConfig): KeyProvider {
  const provider = (config as { provider?: unknown } | undefined)?.provider;
  if (provider === 'kms') {
    const { region } = config as { region?: unknown };
    if (typeof region !== 'string' || region === '') {
      throw new InvalidKeyProviderConfig('region', 'the kms key provider needs the AWS Region of the keys (region), such as eu-west-1');
    }
    return KmsKeyProvider.forRegion(region);
  }
  if (provider === 'local') {
    const { file } = config as { file?: unknown };
    if (file === undefined) return LocalKeyProvider.ephemeral();
    if (typeof file !== 'string' || file === '') {
      throw new InvalidKeyProviderConfig('file', 'the local key provider\'s file must be a path to a JSON key file, or left out for keys in memory only');
    }
    return LocalKeyProvider.loadOrCreate(file);
  }
  throw new InvalidKeyProviderConfig('provider', `the key provider must be one of ${KEY_PROVIDER_NAMES.join(', ')}; got ${JSON.stringify(provider) ?? 'nothing'}`);
}
