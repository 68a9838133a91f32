import { postureRule } from '../rule';
import type { Finding } from '../rule';
import { isBrandKey, notBrandKeyReason } from '../brand-keys';
import { workloadName } from '../workloads/workload-name';

/**
 * Every secret a workload reads is produced by the External Secrets Operator
 * from Secrets Manager secrets of the stack encrypted with a brand key: no
 * secret lives in a manifest, a Secret no one fills, or a store the brand does
 * not hold the key to.
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
 */
export const SettingsFromBrandEncryptedSecrets = postureRule(
  'secrets/settings-from-brand-encrypted-secrets',
  'Every secret setting is produced by External Secrets from brand-key-encrypted Secrets Manager secrets of the stack.',
  (facts) =>
    (facts.cluster?.workloads ?? []).flatMap((w) =>
      w.secrets.flatMap((s): Finding[] => {
        const resource = `${workloadName(w)} ${s.setting}`;
        const source = s.source;
        if (source.kind === 'no-external-secret') return [{ resource, reason: `no ExternalSecret writes Secret ${s.secret.name}` }];
        if (source.kind === 'key-not-written') return [{ resource, reason: `ExternalSecret ${source.externalSecret} writes no ${s.secret.key}` }];
        return source.inputs.flatMap(({ secret }): Finding[] => {
          if (secret.kind === 'external') return [{ resource, reason: `read from ${secret.reference}, not a Secrets Manager secret of the stack` }];
          return isBrandKey(facts, secret.key) ? [] : [{ resource, reason: `Secrets Manager ${secret.name}: ${notBrandKeyReason(facts, secret.key)}` }];
        });
      }),
    ),
);
