/**
 * The roles the brand file names exist: cluster administrators (EKS access
 * entries) and key administrators (named in the KMS key policies). KMS refuses
 * a key policy whose principal does not exist ("MalformedPolicyDocumentException",
 * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html),
 * so a missing role fails the deploy. IAM GetRole reads this account's roles
 * only; roles in other accounts are listed as not checked.
 */
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { IAM_ROLE_ARN } from '../config/access';
import { callAws, isNotFound, result, type PreflightCheck } from './check';

export const operatorRoles: PreflightCheck = async ({ target, account, clients }) => {
  const { operators } = target.brand;
  const arns = [...new Set([...operators.clusterAdminRoleArns, ...operators.keyAdministratorArns])];
  const here = arns.filter((arn) => IAM_ROLE_ARN.exec(arn)?.[1] === account);
  const elsewhere = arns.length - here.length;
  const missing: string[] = [];
  for (const arn of here) {
    const roleName = arn.slice(arn.lastIndexOf('/') + 1);
    try {
      await callAws('iam:GetRole', target.region.code, () => clients.iam.send(new GetRoleCommand({ RoleName: roleName })));
    } catch (error) {
      if (!isNotFound(error, 'NoSuchEntityException', 'NoSuchEntity')) throw error;
      missing.push(arn);
    }
  }
  const found = here.length - missing.length;
  const compared =
    `${found} of ${here.length} role(s) in account ${account} exist` +
    (missing.length > 0 ? `; missing: ${missing.join(', ')}` : '') +
    (elsewhere > 0 ? `; ${elsewhere} in other accounts not checked from here` : '');
  return result('Operator roles (brand operators)', missing.length === 0, compared);
};
