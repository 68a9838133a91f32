import { postureRule } from '../rule';

/**
 * No subnet gives instances a public IPv4 address on launch: a public address is
 * a deliberate Elastic IP (the bastion's), never a side effect of where an
 * instance lands. AWS Foundational Security Best Practices EC2.15:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-15
 */
export const NoPublicIpOnLaunch = postureRule('network/no-public-ip-on-launch', 'No subnet assigns public IP addresses on launch.', (facts) =>
  facts.network.vpcs
    .flatMap((vpc) => vpc.subnets)
    .filter((subnet) => subnet.mapPublicIpOnLaunch)
    .map((subnet) => ({ resource: `${subnet.vpc}/${subnet.group} ${subnet.zone} (${subnet.cidr})`, reason: 'assigns public IP addresses on launch' })),
);
