import { postureRule } from '../rule';

/** The access policy that makes a principal cluster admin: https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html */
const CLUSTER_ADMIN = 'AmazonEKSClusterAdminPolicy';

/**
 * Cluster admin goes to the operators' roles the brand file names, each only
 * in its own account (a CloudFormation condition on the access entry), so one
 * stage's cluster never admits another stage's operators; or to a role of the
 * stack that only AWS services may assume (the kubectl handler). A role of the
 * stack that principals of an account may assume would make every such
 * principal a cluster admin.
 * https://docs.aws.amazon.com/eks/latest/userguide/creating-access-entries.html
 */
export const ClusterAdminsAreOperatorRoles = postureRule(
  'cluster/cluster-admins-are-operator-roles',
  "Cluster admins are the brand's operator roles, each only in its own account, or stack roles only services may assume.",
  (facts) => {
    const cp = facts.cluster?.controlPlane;
    if (!cp) return [];
    return cp.accessEntries
      .filter((entry) => entry.policies.some((p) => p.policy === CLUSTER_ADMIN))
      .flatMap((entry) => {
        const p = entry.principal;
        if (p.kind === 'role-arn') {
          if (entry.onlyInAccount === p.account) return [];
          return [
            {
              resource: p.arn,
              reason: entry.onlyInAccount
                ? `is admitted where the deploying account is ${entry.onlyInAccount}, not the role's own ${p.account}`
                : `is admitted in every account the template is deployed to, not only in ${p.account}`,
            },
          ];
        }
        if (p.kind === 'stack-role') {
          const notServices = p.assumableBy.filter((principal) => !principal.startsWith('service:'));
          return notServices.length === 0 && p.assumableBy.length > 0 ? [] : [{ resource: p.role, reason: `is cluster admin and may be assumed by ${notServices.join(', ') || 'nobody named'}` }];
        }
        return [{ resource: p.text, reason: 'is cluster admin but is not an IAM role' }];
      });
  },
);
