import type { Finding } from '../rule';
import { postureRule } from '../rule';
import { isBrandKey, notBrandKeyReason } from '../brand-keys';
import { keyLabel } from '../../naming';

/**
 * Every stateful resource (and every volume of an instance, and Aurora's
 * Performance Insights data) is encrypted at rest with a KMS key of the brand,
 * so the brand controls access to and deletion of its data, and CloudTrail logs
 * each use. A service that offers no customer-managed key may use an AWS-owned
 * or AWS-managed key only when the resource states why, in template metadata
 * (lib/posture/exceptions.ts): Amazon MQ for RabbitMQ is one
 * (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html).
 * Never unencrypted, never a key outside the stack.
 * https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-mgmt
 */
export const StatefulResourcesEncryptedWithBrandKey = postureRule(
  'encryption/stateful-resources-encrypted-with-brand-key',
  'Every stateful resource is encrypted with a brand KMS key, or with an AWS-owned or AWS-managed key and a stated reason.',
  (facts) =>
    facts.encryption.atRest.flatMap((resource): Finding[] => {
      const name = `${resource.type} ${resource.name}`;
      const findings = resource.protections.flatMap((p): Finding[] => {
        const awsKey = p.kind === 'aws-owned' || p.kind === 'service-default-key' || (p.kind === 'key' && p.key.kind === 'aws-managed');
        if (awsKey) return resource.exceptionReason ? [] : [{ resource: name, reason: `${p.kind === 'aws-owned' ? 'an AWS-owned' : 'an AWS-managed'} key without a stated reason` }];
        if (p.kind === 'unencrypted') return [{ resource: name, reason: 'unencrypted' }];
        if (p.kind === 'no-block-device-mapping') return [{ resource: name, reason: 'no block device mapping: encryption depends on the account default, not the stack' }];
        if (p.kind === 'key' && !isBrandKey(facts, p.key)) return [{ resource: name, reason: notBrandKeyReason(facts, p.key) }];
        return [];
      });
      const insights = resource.performanceInsights
        .filter((key) => !isBrandKey(facts, key))
        .map((key) => ({ resource: name, reason: `Performance Insights under ${keyLabel(key)}: ${notBrandKeyReason(facts, key)}` }));
      return [...findings, ...insights];
    }),
);
