/**
 * `brandstack preflight`: checks, before a deploy, what AWS would refuse or
 * never finish, with read-only calls against the target account. Every call
 * is allowed by the AWS managed policy ReadOnlyAccess (sts:GetCallerIdentity,
 * cloudformation:DescribeStacks, ssm:GetParameter, servicequotas:GetServiceQuota,
 * servicequotas:GetAWSDefaultServiceQuota, ec2:Describe*, route53:GetHostedZone,
 * acm:DescribeCertificate, acm:ListCertificates, iam:GetRole,
 * rds:DescribeOrderableDBInstanceOptions), so the bootstrap lookup role
 * (cdk-hnb659fds-lookup-role, ReadOnlyAccess) can run it.
 */
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { brandStackName } from '../config/naming';
import type { BrandTarget } from '../config/registry';
import { bootstrapVersion } from './bootstrap-version';
import { callAws, PreflightUnavailable, type CheckResult, type PreflightCheck } from './check';
import { preflightClients, type PreflightClients, type PreflightContext } from './context';
import { dnsReadiness } from './dns-readiness';
import { elasticIpQuota } from './elastic-ip-quota';
import type { StackFootprint } from './footprint';
import { natGatewayQuota } from './nat-gateway-quota';
import { operatorRoles } from './operator-roles';
import { regionServices } from './region-services';
import { vpcQuota } from './vpc-quota';

export { PreflightUnavailable, preflightClients, type CheckResult, type PreflightClients, type StackFootprint };

/** Every check, in the order printed. */
export const PREFLIGHT_CHECKS: readonly PreflightCheck[] = [bootstrapVersion, vpcQuota, elasticIpQuota, natGatewayQuota, dnsReadiness, operatorRoles, regionServices];

/**
 * Establishes who is calling (no credentials and no network stop here, with
 * one sentence), whether the stack already exists, what it needs
 * (`footprint`, built only then), and runs every check.
 */
export async function runPreflight(
  target: BrandTarget,
  footprint: () => StackFootprint,
  clients: PreflightClients,
): Promise<{ account: string; results: CheckResult[] }> {
  const region = target.region.code;
  const identity = await callAws('sts:GetCallerIdentity', region, () => clients.sts.send(new GetCallerIdentityCommand({})));
  if (!identity.Account) throw new PreflightUnavailable(`STS returned no account for the credentials in ${region}; nothing was checked.`);
  const stackExists = await existingStack(brandStackName(target), region, clients);
  // Built after the credentials are known to work: building the stack takes seconds.
  const context: PreflightContext = { target, footprint: footprint(), account: identity.Account, stackExists, clients };
  const results: CheckResult[] = [];
  // One at a time: the output follows the list, and the calls stay under the APIs' request rates.
  for (const check of PREFLIGHT_CHECKS) results.push(await check(context));
  return { account: identity.Account, results };
}

/** Whether the stack exists in a state whose resources are already counted (any but deleted or never created). */
async function existingStack(stackName: string, region: string, clients: PreflightClients): Promise<boolean> {
  try {
    const answer = await callAws('cloudformation:DescribeStacks', region, () => clients.cloudformation.send(new DescribeStacksCommand({ StackName: stackName })));
    const status = answer.Stacks?.[0]?.StackStatus;
    return status !== undefined && status !== 'DELETE_COMPLETE' && status !== 'REVIEW_IN_PROGRESS';
  } catch (error) {
    // DescribeStacks answers a missing stack with a ValidationError ("Stack with id ... does not exist").
    if (error instanceof Error && error.name === 'ValidationError' && /does not exist/.test(error.message)) return false;
    throw error;
  }
}

/** One line per check: `holds  <check>: <numbers>` or `FAILS  <check>: <numbers>`, then a summary. */
export function formatPreflight(title: string, results: readonly CheckResult[]): string {
  const lines = results.map((r) => `${r.holds ? 'holds' : 'FAILS'}  ${r.name}: ${r.compared}`);
  const failing = results.filter((r) => !r.holds).length;
  const summary = failing === 0 ? `all ${results.length} checks hold` : `${failing} of ${results.length} checks FAIL`;
  return [title, ...lines, summary, ''].join('\n');
}
