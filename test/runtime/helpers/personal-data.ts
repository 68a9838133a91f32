import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';
import type { EncryptedUserStoreOptions } from '../../../runtime/src/personal-data/encrypted-user-store';

/**
 * What a user store outside a runtime needs for personal data: process-held keys behind the
 * cache, every tenant its own customer (as the runtime does with the local provider).
 */
export function localPersonalData(provider: LocalKeyProvider = LocalKeyProvider.ephemeral()): Omit<EncryptedUserStoreOptions, 'records'> {
  return {
    keys: new DataKeyCache(provider),
    customerKeyOf: async (tenantId) => ({ customer: tenantId, keyRef: `alias/brandstack/local/${tenantId}` }),
  };
}
