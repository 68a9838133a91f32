import { createKeyProvider } from '../key-providers/create-key-provider';
import { DataKeyCache } from '../key-providers/data-key-cache';
import { EnvelopeKeySealer } from '../keys/envelope-key-sealer';
import { KeySealer } from '../keys/key-sealer';
import { Customers } from '../tenants/provisioning';
import type { KeyConfig } from './key-config';

/** The keys the runtime is built with (IdentityRuntimeOptions: personalDataKeys, sealer, customers). */
export interface RuntimeKeys {
  personalDataKeys: DataKeyCache;
  sealer: EnvelopeKeySealer;
  customers: Customers;
  /** Readiness: the platform key is usable. */
  checkPlatformKey(): Promise<void>;
}

/**
 * Builds the providers KeyConfig names, each behind its own bounded data-key cache. Signing keys
 * are sealed under `alias/brandstack/<brand>/platform`; `legacyKek` (KEY_ENCRYPTION_KEY, when
 * still configured) opens signing keys sealed before issue 14.
 */
export function buildRuntimeKeys(config: KeyConfig, legacyKek?: Buffer): RuntimeKeys {
  const provider = (choice: KeyConfig['personalData']) =>
    createKeyProvider(choice === 'kms' ? { provider: 'kms', region: config.region! } : { provider: 'local', file: config.localKeysFile });
  const personalDataKeys = new DataKeyCache(provider(config.personalData));
  // One local provider when both are local: one key file, written by one owner.
  const signingKeys = config.signingKeySeal === config.personalData ? personalDataKeys : new DataKeyCache(provider(config.signingKeySeal));
  const customers = new Customers(config.brand, config.customers);
  const platformKeyRef = customers.keyAlias('platform');
  return {
    personalDataKeys,
    sealer: new EnvelopeKeySealer({ keys: signingKeys, platformKeyRef, legacy: legacyKek ? new KeySealer(legacyKek) : undefined }),
    customers,
    checkPlatformKey: () => signingKeys.check(platformKeyRef),
  };
}
