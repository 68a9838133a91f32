/**
 * EC2-VPC Elastic IPs (Service Quotas ec2/L-0263D0A3, default 5 per region):
 * the addresses allocated in the region plus the stack's (one per NAT gateway
 * and the bastion's) must fit.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/elastic-ip-addresses-eip.html#using-instance-addressing-limit
 */
import { DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { callAws, result, type PreflightCheck } from './check';
import { compareWithQuota, quotaValue, type QuotaRef } from './quota';

export const ELASTIC_IP_QUOTA: QuotaRef = { serviceCode: 'ec2', quotaCode: 'L-0263D0A3', name: 'EC2-VPC Elastic IPs' };

export const elasticIpQuota: PreflightCheck = async (context) => {
  const region = context.target.region.code;
  // DescribeAddresses is not paginated: it returns every address of the region.
  const answer = await callAws('ec2:DescribeAddresses', region, () =>
    context.clients.ec2.send(new DescribeAddressesCommand({ Filters: [{ Name: 'domain', Values: ['vpc'] }] })),
  );
  const inUse = answer.Addresses?.length ?? 0;
  const needed = context.stackExists ? 0 : context.footprint.elasticIps;
  const { holds, compared } = compareWithQuota(inUse, needed, await quotaValue(context, ELASTIC_IP_QUOTA));
  return result(`${ELASTIC_IP_QUOTA.name} (${ELASTIC_IP_QUOTA.quotaCode})`, holds, compared);
};
