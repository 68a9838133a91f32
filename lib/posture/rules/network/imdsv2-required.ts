import { postureRule } from '../rule';

/**
 * Every instance and launch template requires IMDSv2 (session tokens), which
 * defeats SSRF and open-proxy theft of the instance role's credentials.
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-service.html
 */
export const Imdsv2Required = postureRule('network/imdsv2-required', 'Every instance and launch template requires IMDSv2.', (facts) =>
  facts.network.instanceMetadata.filter((m) => !m.imdsv2Required).map((m) => ({ resource: m.name, reason: `${m.kind} allows IMDSv1 (HttpTokens is not required)` })),
);
