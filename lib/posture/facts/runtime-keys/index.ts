/**
 * The keys the identity runtime uses for its own data (issue 14), read from the template: which
 * customer key each workload's role may use and under which customer's encryption context
 * (the customer keys' policies), what its IAM policy lets it do with the platform key directly,
 * and what the workload's manifest tells the runtime (PII_KEY_PROVIDER, SIGNING_KEY_SEAL,
 * BRANDSTACK_BRAND, BRANDSTACK_CUSTOMERS, KEY_ENCRYPTION_KEY).
 */
import type { KeyRef } from '../../naming';
import type { ClusterFacts, WorkloadFacts } from '../cluster';
import type { EncryptionFacts } from '../encryption';
import type { RuntimeKeyFacts, RuntimeKeyWorkloadFacts } from './types';

export type * from './types';

/** The runtime's settings these facts read (runtime/src/config; lib/charts/identity-chart.ts sets them). */
export const RUNTIME_KEY_SETTINGS = {
  personalDataProvider: 'PII_KEY_PROVIDER',
  signingKeySeal: 'SIGNING_KEY_SEAL',
  brand: 'BRANDSTACK_BRAND',
  customers: 'BRANDSTACK_CUSTOMERS',
  legacyKeyEncryptionKey: 'KEY_ENCRYPTION_KEY',
} as const;

export function runtimeKeyFacts(encryption: EncryptionFacts, cluster: ClusterFacts | null): RuntimeKeyFacts {
  const customerKeys = encryption.keys.flatMap((k) => (k.purpose.kind === 'customer' ? [{ customer: k.purpose.customer, key: k.key, policy: k.policy }] : []));
  const platform = encryption.keys.find((k) => k.purpose.kind === 'platform');
  const workloads = (cluster?.workloads ?? []).map((w) => workloadKeys(w, customerKeys, platform?.key)).filter((w): w is RuntimeKeyWorkloadFacts => w !== undefined);
  return { customerKeys: customerKeys.map(({ customer, key }) => ({ customer, key })), platformKey: platform?.key, workloads };
}

function workloadKeys(
  w: WorkloadFacts,
  customerKeys: ReadonlyArray<{ customer: string; key: KeyRef; policy: EncryptionFacts['keys'][number]['policy'] }>,
  platformKey: KeyRef | undefined,
): RuntimeKeyWorkloadFacts | undefined {
  const settings = Object.assign({}, ...w.containers.map((c) => c.settings)) as Record<string, string>;
  const role = w.podIdentity?.role;
  const customerKeyUse = customerKeys.flatMap(({ customer, key, policy }) =>
    role === undefined
      ? []
      : policy.filter((s) => s.effect === 'Allow' && s.grantees.includes(role)).map((s) => ({ customer, key, actions: s.actions, customerContext: s.customerContext })),
  );
  const platformKeyUse = (w.podIdentity?.statements ?? []).flatMap((s) => {
    if (s.effect !== 'Allow' || s.viaService !== undefined) return [];
    if (platformKey?.kind !== 'stack') return [];
    // A statement on `*` covers the platform key too.
    const onPlatform = s.resources.some((r) => (r.kind === 'key' && r.key.kind === 'stack' && r.key.logicalId === platformKey.logicalId) || (r.kind === 'literal' && r.text === '*'));
    return onPlatform ? [{ key: platformKey, actions: s.actions, conditions: s.conditions }] : [];
  });
  const { personalDataProvider, signingKeySeal, brand, customers, legacyKeyEncryptionKey } = RUNTIME_KEY_SETTINGS;
  const facts: RuntimeKeyWorkloadFacts = {
    workload: `${w.namespace}/${w.name}`,
    personalDataProvider: settings[personalDataProvider],
    signingKeySeal: settings[signingKeySeal],
    brand: settings[brand],
    customers: settings[customers]?.split(','),
    legacyKeyEncryptionKey: w.secrets.some((s) => s.setting === legacyKeyEncryptionKey),
    role,
    customerKeyUse,
    platformKeyUse,
  };
  const handlesKeys = facts.personalDataProvider !== undefined || facts.signingKeySeal !== undefined || customerKeyUse.length > 0;
  return handlesKeys ? facts : undefined;
}
