/**
 * The bastion's machine image, pinned per region: an Amazon Linux 2023 arm64
 * AMI id for every deployable region of the catalog (lib/config/regions.ts).
 *
 * Why pinned: an image resolved from the public SSM parameter at deploy time
 * changes with every Amazon Linux release, and a new image id replaces the
 * instance (a new host key, a new instance id in the alarms) on whatever
 * deploy comes next. A pin changes only when someone refreshes it, in a
 * reviewed commit.
 *
 * arm64, not x86_64: the bastion runs on Graviton (t4g.micro), and an AMI's
 * architecture must match the instance type's.
 *
 * A pin ages: AL2023 AMIs are locked to their release's package repository
 * (https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades-usage.html),
 * so refresh the pins before a first deploy and on each AL2023 security
 * release. An AMI that AWS has deprecated can still be launched by its id
 * (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html); a
 * deregistered one cannot, and the deploy fails on the instance (retry after
 * refreshing).
 *
 * Refresh (needs AWS credentials that may call ssm:GetParameters in every region):
 *
 *     npx tsx lib/config/refresh-bastion-amis.ts
 *
 * It reads {@link BASTION_AMI_PARAMETER} in each deployable region
 * (`aws ssm get-parameters --names <parameter> --region <region>`) and rewrites
 * the pins below, or changes nothing and names the region that failed. It is
 * the parameter `ec2.MachineImage.latestAmazonLinux2023({ cpuType: ARM_64 })`
 * reads at deploy time
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_ec2.AmazonLinux2023ImageSsmParameter.html).
 */
import { deployableRegionCodes } from './regions';

/** The public SSM parameter that names the latest AL2023 arm64 AMI of a region. */
export const BASTION_AMI_PARAMETER = '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64';

/** The command that refreshes the pins; error messages quote it. */
export const BASTION_AMI_REFRESH_COMMAND = 'npx tsx lib/config/refresh-bastion-amis.ts';

export interface BastionAmiPins {
  /** Where the ids were read from. */
  readonly source: string;
  /** When they were read (UTC date). */
  readonly recordedOn: string;
  /** Region code -> AMI id. */
  readonly images: Readonly<Record<string, string>>;
}

// BEGIN PINS: written by lib/config/refresh-bastion-amis.ts; edit by running it.
export const BASTION_AMI_PINS: BastionAmiPins = {
  source:
    'awslabs/scale-out-computing-on-aws (AWS), commit a707882a260deb10fb9f69f5df4ae83e29535c00, ' +
    'installer/region_map.d/aws/000-<region>.yaml, key <region>.arm64.amazonlinux2023 ("SOCA AMI List for commercial partition generated 2026-02-27 08:45:15 UTC"). ' +
    'Not read from the SSM parameter: refresh before the first deploy.',
  recordedOn: '2026-02-27',
  images: {
    'af-south-1': 'ami-0ec86009294639bd4',
    'ap-east-1': 'ami-00ca78ddc3884ddad',
    'ap-northeast-1': 'ami-0cae7523f9ec1c8dc',
    'ap-northeast-2': 'ami-0d1ae7d9137336663',
    'ap-south-1': 'ami-061d45d4bd9c71ba1',
    'ap-south-2': 'ami-0889f6fef286255f7',
    'ap-southeast-1': 'ami-0083aa2b4fd35d431',
    'ap-southeast-2': 'ami-083dd800ab194788b',
    'ap-southeast-3': 'ami-010745b953b20f86d',
    'ap-southeast-4': 'ami-0b35ddf4ea94119fb',
    'ca-central-1': 'ami-0ff5c945a541fefd6',
    'eu-central-1': 'ami-089dc6fe381a457ca',
    'eu-central-2': 'ami-070072b83545700d3',
    'eu-north-1': 'ami-0d7a78ae70b517e4d',
    'eu-south-1': 'ami-0edaf31b7ccf3d5fd',
    'eu-south-2': 'ami-077c0559626f7619d',
    'eu-west-1': 'ami-00e63950076a66519',
    'eu-west-2': 'ami-0a9d57c940ece5b5a',
    'eu-west-3': 'ami-0387f15c965e9e817',
    'me-central-1': 'ami-0947c45e7ddd94e19',
    'me-south-1': 'ami-0856a38470b792bb3',
    'sa-east-1': 'ami-093c270f28dc47377',
    'us-east-1': 'ami-0720c0a2e1e125edd',
    'us-west-2': 'ami-0e723566181f273cd',
  },
};
// END PINS

/** AMI ids as EC2 writes them: `ami-` and 8 or 17 hex digits. */
export const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * The pinned bastion AMI of `region`. Refuses a region without a pin, naming
 * it and the refresh command, rather than deploy an image no one chose.
 */
export function bastionAmiFor(region: string): string {
  const image = BASTION_AMI_PINS.images[region];
  if (image === undefined) {
    const pinned = Object.keys(BASTION_AMI_PINS.images).sort().join(', ');
    throw new Error(
      `lib/config/bastion-amis.ts: no bastion AMI is pinned for region '${region}'; run \`${BASTION_AMI_REFRESH_COMMAND}\` with AWS credentials to pin every deployable region (pinned: ${pinned})`,
    );
  }
  return image;
}

/** Deployable regions of the catalog without a pin (empty when every one has one). */
export function regionsWithoutBastionAmi(): string[] {
  return deployableRegionCodes().filter((code) => BASTION_AMI_PINS.images[code] === undefined);
}
