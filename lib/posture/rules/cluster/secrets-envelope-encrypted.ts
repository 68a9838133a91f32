import { postureRule } from '../rule';
import { isBrandKey, notBrandKeyReason } from '../brand-keys';

/**
 * Kubernetes Secrets are envelope-encrypted in etcd with a brand key, so reading
 * etcd (or its backups) yields nothing without the brand's KMS key.
 * https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html
 */
export const SecretsEnvelopeEncrypted = postureRule('cluster/secrets-envelope-encrypted', 'Kubernetes Secrets are envelope-encrypted with a brand key.', (facts) => {
  const cp = facts.cluster?.controlPlane;
  if (!cp) return [];
  const config = cp.envelopeEncryption.find((c) => c.resources.includes('secrets'));
  if (!config) return [{ resource: cp.name, reason: 'Kubernetes Secrets are not envelope-encrypted' }];
  return isBrandKey(facts, config.key) ? [] : [{ resource: cp.name, reason: `Secrets envelope-encrypted with ${notBrandKeyReason(facts, config.key)}` }];
});
