/**
 * The region offers what the stack uses: the documented table
 * (lib/config/service-availability.ts), and, where AWS answers only per
 * account and region, the account itself:
 * - the bastion's instance type in its zone (DescribeInstanceTypeOfferings,
 *   https://docs.aws.amazon.com/cli/latest/reference/ec2/describe-instance-type-offerings.html);
 * - provisioned Aurora instance classes for the engine version
 *   (DescribeOrderableDBInstanceOptions,
 *   https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Concepts.DBInstanceClass.RegionSupportAurora.html);
 * - ACM answers in the region (ListCertificates).
 */
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeInstanceTypeOfferingsCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import { DescribeOrderableDBInstanceOptionsCommand } from '@aws-sdk/client-rds';
import { missingIn } from '../config/service-availability';
import { callAws, result, type PreflightCheck } from './check';

export const regionServices: PreflightCheck = async ({ target, footprint, clients }) => {
  const region = target.region.code;
  const need = { database: target.brand.database, stage: target.stage.name };
  const lacking = missingIn(region, need).map(({ capability, availability }) => `${capability.description} (${availability}, ${capability.source})`);

  for (const { instanceType, zone } of footprint.instances) {
    const offerings = await callAws('ec2:DescribeInstanceTypeOfferings', region, () =>
      clients.ec2.send(
        new DescribeInstanceTypeOfferingsCommand({
          LocationType: 'availability-zone',
          Filters: [
            { Name: 'instance-type', Values: [instanceType] },
            { Name: 'location', Values: [zone] },
          ],
        }),
      ),
    );
    if (!(offerings.InstanceTypeOfferings ?? []).some((o) => o.InstanceType === (instanceType as _InstanceType))) lacking.push(`EC2 ${instanceType} in ${zone}`);
  }

  for (const { instanceClass, engineVersion } of dedupe(footprint.auroraInstances)) {
    const options = await callAws('rds:DescribeOrderableDBInstanceOptions', region, () =>
      clients.rds.send(new DescribeOrderableDBInstanceOptionsCommand({ Engine: 'aurora-postgresql', EngineVersion: engineVersion, DBInstanceClass: instanceClass, MaxRecords: 20 })),
    );
    if ((options.OrderableDBInstanceOptions ?? []).length === 0) lacking.push(`Aurora PostgreSQL ${engineVersion} on ${instanceClass}`);
  }

  await callAws('acm:ListCertificates', region, () => clients.acm.send(new ListCertificatesCommand({ MaxItems: 1 })));

  const checked = `the documented table, ${footprint.instances.length} instance type(s), ${dedupe(footprint.auroraInstances).length} Aurora instance class(es), ACM`;
  return result(`Services offered in ${region}`, lacking.length === 0, lacking.length === 0 ? `all offered (${checked})` : `${lacking.length} missing: ${lacking.join('; ')}`);
};

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
}
