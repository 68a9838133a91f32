/**
 * What every preflight check reads: the target, what its stack needs, the
 * account the credentials belong to, and the SDK clients for the region.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { BrandTarget } from '../config/registry';
import type { StackFootprint } from './footprint';

export interface PreflightClients {
  readonly acm: ACMClient;
  readonly cloudformation: CloudFormationClient;
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
  readonly rds: RDSClient;
  readonly route53: Route53Client;
  readonly quotas: ServiceQuotasClient;
  readonly ssm: SSMClient;
  readonly sts: STSClient;
}

export interface PreflightContext {
  readonly target: BrandTarget;
  /** What the target's BrandStack creates (derived from its constructs). */
  readonly footprint: StackFootprint;
  /** The account the credentials belong to (STS GetCallerIdentity): the account deployed to. */
  readonly account: string;
  /**
   * Whether the stack already exists in the account: then its VPCs, addresses
   * and NAT gateways are already counted as in use, and a deploy adds none.
   */
  readonly stackExists: boolean;
  readonly clients: PreflightClients;
}

/** The real clients for `region`. Every call they make is allowed by the AWS managed policy ReadOnlyAccess. */
export function preflightClients(region: string): PreflightClients {
  const config = { region, maxAttempts: 2 };
  return {
    acm: new ACMClient(config),
    cloudformation: new CloudFormationClient(config),
    ec2: new EC2Client(config),
    // IAM and Route 53 are global services; the SDK signs them for us-east-1 whatever region is given.
    iam: new IAMClient(config),
    rds: new RDSClient(config),
    route53: new Route53Client(config),
    quotas: new ServiceQuotasClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
  };
}
