import { postureRule } from '../rule';
import { isBrandKey, notBrandKeyReason } from '../brand-keys';

/**
 * Node volumes (ephemeral storage of EKS Auto Mode NodeClasses) are encrypted
 * with a brand key: pods' emptyDirs and image layers are the brand's data too.
 * https://docs.aws.amazon.com/eks/latest/userguide/create-node-class.html
 */
export const NodeVolumesEncryptedWithBrandKey = postureRule('cluster/node-volumes-encrypted-with-brand-key', 'Every NodeClass encrypts its volumes with a brand key.', (facts) =>
  (facts.cluster?.compute.nodeClasses ?? []).flatMap((nodeClass) => {
    if (!nodeClass.volumeKey) return [{ resource: `NodeClass ${nodeClass.name}`, reason: 'volumes encrypted with the AWS-managed EBS key' }];
    return isBrandKey(facts, nodeClass.volumeKey) ? [] : [{ resource: `NodeClass ${nodeClass.name}`, reason: notBrandKeyReason(facts, nodeClass.volumeKey) }];
  }),
);
