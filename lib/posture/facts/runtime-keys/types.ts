/** Typed facts of the keys the identity runtime uses for its own data (issue 14). */
import type { KeyRef } from '../../naming';
import type { PolicyCondition } from '../encryption/types';

/** One key-policy statement of a customer key that names a workload's role. */
export interface CustomerKeyUseFacts {
  readonly customer: string;
  readonly key: KeyRef;
  /** The actions as written in the key policy. */
  readonly actions: readonly string[];
  /** The customer the statement binds use to (`kms:EncryptionContext:brandstack:customer`), if any. */
  readonly customerContext?: string;
}

/** One Allow statement of a workload role's IAM policy that lets it use the brand platform key directly (not through a service). */
export interface PlatformKeyUseFacts {
  readonly key: KeyRef;
  readonly actions: readonly string[];
  readonly conditions: readonly PolicyCondition[];
}

/**
 * A workload of the cluster that handles the runtime's keys: one that sets PII_KEY_PROVIDER or
 * SIGNING_KEY_SEAL, or whose Pod Identity role a customer key's policy names.
 */
export interface RuntimeKeyWorkloadFacts {
  /** `<namespace>/<name>`. */
  readonly workload: string;
  /** PII_KEY_PROVIDER, as set in the manifest. */
  readonly personalDataProvider?: string;
  /** SIGNING_KEY_SEAL, as set in the manifest. */
  readonly signingKeySeal?: string;
  /** BRANDSTACK_BRAND. */
  readonly brand?: string;
  /** BRANDSTACK_CUSTOMERS, split on commas; undefined when not set. */
  readonly customers?: readonly string[];
  /** Whether the workload reads KEY_ENCRYPTION_KEY (the v1 seal of signing keys) from a Secret. */
  readonly legacyKeyEncryptionKey: boolean;
  /** The workload's Pod Identity role, by logical id without hash. */
  readonly role?: string;
  readonly customerKeyUse: readonly CustomerKeyUseFacts[];
  readonly platformKeyUse: readonly PlatformKeyUseFacts[];
}

export interface RuntimeKeyFacts {
  /** The brand's customer keys (purpose `customer`), in template order. */
  readonly customerKeys: ReadonlyArray<{ readonly customer: string; readonly key: KeyRef }>;
  /** The brand's platform key, when the stack has one. */
  readonly platformKey?: KeyRef;
  readonly workloads: readonly RuntimeKeyWorkloadFacts[];
}
