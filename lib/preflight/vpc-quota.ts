/**
 * VPCs per Region (Service Quotas vpc/L-F678F1CE, default 5): the VPCs in the
 * region plus the stack's (three) must fit.
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
 */
import { paginateDescribeVpcs } from '@aws-sdk/client-ec2';
import { callAws, result, type PreflightCheck } from './check';
import { compareWithQuota, quotaValue, type QuotaRef } from './quota';

export const VPC_QUOTA: QuotaRef = { serviceCode: 'vpc', quotaCode: 'L-F678F1CE', name: 'VPCs per Region' };

export const vpcQuota: PreflightCheck = async (context) => {
  const region = context.target.region.code;
  const inUse = await callAws('ec2:DescribeVpcs', region, async () => {
    let count = 0;
    for await (const page of paginateDescribeVpcs({ client: context.clients.ec2 }, {})) count += page.Vpcs?.length ?? 0;
    return count;
  });
  const needed = context.stackExists ? 0 : context.footprint.vpcs;
  const { holds, compared } = compareWithQuota(inUse, needed, await quotaValue(context, VPC_QUOTA));
  return result(`${VPC_QUOTA.name} (${VPC_QUOTA.quotaCode})`, holds, compared);
};
