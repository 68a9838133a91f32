import { postureRule } from '../rule';
import type { Finding } from '../rule';
import { isBrandKey, notBrandKeyReason } from '../brand-keys';

/**
 * Every VPC logs all traffic (accepted and rejected) to a CloudWatch log group
 * encrypted with a brand key, for incident response and the compliance packs
 * (NIST AU-12, PCI DSS 10.2).
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html
 */
export const VpcFlowLogsEncrypted = postureRule('network/vpc-flow-logs-encrypted', 'Every VPC has a flow log of all traffic to a log group encrypted with a brand key.', (facts) =>
  facts.network.vpcs.flatMap((vpc): Finding[] => {
    const all = vpc.flowLogs.filter((f) => f.trafficType === 'ALL');
    if (!all.length) return [{ resource: vpc.name, reason: 'no flow log of ALL traffic' }];
    const encrypted = all.some((f) => f.destination.kind === 'log-group' && f.destination.key !== undefined && isBrandKey(facts, f.destination.key));
    if (encrypted) return [];
    const destination = all[0].destination;
    return [{ resource: vpc.name, reason: destination.kind === 'log-group' && destination.key ? `flow log group ${destination.name}: ${notBrandKeyReason(facts, destination.key)}` : 'flow logs not in a log group encrypted with a KMS key' }];
  }),
);
