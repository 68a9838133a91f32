import { postureRule } from '../rule';

/**
 * Every VPC's default security group has its rules removed, so nothing placed
 * in it by mistake can talk to anything. AWS Foundational Security Best
 * Practices EC2.2: https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2
 */
export const DefaultSecurityGroupsRestricted = postureRule('network/default-security-groups-restricted', "Every VPC's default security group admits nothing.", (facts) =>
  facts.network.vpcs.filter((vpc) => !vpc.defaultSecurityGroupRestricted).map((vpc) => ({ resource: vpc.name, reason: "the default security group's rules are not removed" })),
);
