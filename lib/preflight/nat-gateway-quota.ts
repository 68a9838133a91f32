/**
 * NAT gateways per Availability Zone (Service Quotas vpc/L-FE5A380F, default
 * 5; pending, active and deleting gateways count): in each zone, the gateways
 * there plus the stack's (one per zone) must fit.
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html
 */
import { DescribeSubnetsCommand, paginateDescribeNatGateways } from '@aws-sdk/client-ec2';
import { callAws, result, type PreflightCheck } from './check';
import { compareWithQuota, quotaValue, type QuotaRef } from './quota';

export const NAT_GATEWAY_QUOTA: QuotaRef = { serviceCode: 'vpc', quotaCode: 'L-FE5A380F', name: 'NAT gateways per Availability Zone' };

export const natGatewayQuota: PreflightCheck = async (context) => {
  const region = context.target.region.code;
  const { ec2 } = context.clients;
  const subnetIds = await callAws('ec2:DescribeNatGateways', region, async () => {
    const ids: string[] = [];
    const filter = [{ Name: 'state', Values: ['pending', 'available', 'deleting'] }];
    for await (const page of paginateDescribeNatGateways({ client: ec2 }, { Filter: filter })) {
      for (const gateway of page.NatGateways ?? []) if (gateway.SubnetId) ids.push(gateway.SubnetId);
    }
    return ids;
  });
  const inUse: Record<string, number> = {};
  if (subnetIds.length > 0) {
    const subnets = await callAws('ec2:DescribeSubnets', region, () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...new Set(subnetIds)] })));
    const zoneOf = new Map((subnets.Subnets ?? []).map((subnet) => [subnet.SubnetId, subnet.AvailabilityZone ?? 'unknown']));
    for (const id of subnetIds) {
      const zone = zoneOf.get(id) ?? 'unknown';
      inUse[zone] = (inUse[zone] ?? 0) + 1;
    }
  }
  const quota = await quotaValue(context, NAT_GATEWAY_QUOTA);
  const zones = [...new Set([...context.target.region.zones, ...Object.keys(context.footprint.natGatewaysPerZone)])];
  const perZone = zones.map((zone) => {
    const needed = context.stackExists ? 0 : context.footprint.natGatewaysPerZone[zone] ?? 0;
    return { zone, ...compareWithQuota(inUse[zone] ?? 0, needed, quota) };
  });
  return result(`${NAT_GATEWAY_QUOTA.name} (${NAT_GATEWAY_QUOTA.quotaCode})`, perZone.every((zone) => zone.holds), perZone.map((zone) => `${zone.zone}: ${zone.compared}`).join('; '));
};
