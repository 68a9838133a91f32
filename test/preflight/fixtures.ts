/**
 * Shared fixtures for the preflight tests: targets of the example brand in
 * each DNS mode, a footprint like BrandStack's, and a healthy account mocked
 * with aws-sdk-client-mock, which each test changes in one place.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ACMClient, DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeAddressesCommand, DescribeInstanceTypeOfferingsCommand, DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeOrderableDBInstanceOptionsCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { GetServiceQuotaCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { parseBrand } from '../../lib/config/brand';
import { BrandRegistry, resolveTarget, type BrandTarget } from '../../lib/config/registry';
import { preflightClients, type PreflightClients } from '../../lib/preflight/context';
import type { PreflightContext } from '../../lib/preflight/context';
import type { StackFootprint } from '../../lib/preflight/footprint';

export const ACCOUNT = '555555555555';
export const CERTIFICATE_ARN = 'arn:aws:acm:eu-central-1:555555555555:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
export const ACME = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'brands', 'acme.json'), 'utf8'));

/** acme, stage high, eu-central-1, environment prod; `dns` and `operators` can be replaced. */
export function acmeTarget(change: { dns?: unknown; operators?: unknown } = {}): BrandTarget {
  const brand = parseBrand('brands/acme.json', { ...ACME, ...change });
  return resolveTarget(new BrandRegistry([brand]), { brand: 'acme', stage: 'high', region: 'eu-central-1', environment: 'prod' });
}

export const CERTIFICATES_DNS = { certificates: { 'prod/eu-central-1': CERTIFICATE_ARN } };

/** What BrandStack creates (test/preflight/footprint.test.ts ties these numbers to the real stack). */
export const FOOTPRINT: StackFootprint = {
  vpcs: 3,
  elasticIps: 4,
  natGatewaysPerZone: { 'eu-central-1a': 1, 'eu-central-1b': 1, 'eu-central-1c': 1 },
  instances: [{ instanceType: 't4g.micro', zone: 'eu-central-1a' }],
  auroraInstances: [
    { instanceClass: 'db.r7g.large', engineVersion: '17.7' },
    { instanceClass: 'db.r7g.large', engineVersion: '17.7' },
  ],
  bootstrap: { parameter: '/cdk-bootstrap/hnb659fds/version', requiredVersion: 6 },
};

export const mocks = {
  acm: mockClient(ACMClient),
  cloudformation: mockClient(CloudFormationClient),
  ec2: mockClient(EC2Client),
  iam: mockClient(IAMClient),
  rds: mockClient(RDSClient),
  route53: mockClient(Route53Client),
  quotas: mockClient(ServiceQuotasClient),
  ssm: mockClient(SSMClient),
  sts: mockClient(STSClient),
};

/** An error as the SDK raises it: a name, and optionally a network code. */
export function awsError(name: string, message = name, code?: string): Error {
  return Object.assign(new Error(message), { name, ...(code ? { code } : {}) });
}

/**
 * A fresh account that can take one BrandStack: bootstrapped (version 27),
 * one default VPC with no addresses or NAT gateways, default quotas of 5,
 * the prod hosted zone, the certificate, the operator role in this account,
 * and every service offered.
 */
export function healthyAccount(): void {
  for (const mock of Object.values(mocks)) mock.reset();
  mocks.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/cdk-hnb659fds-lookup-role-${ACCOUNT}-eu-central-1/preflight` });
  mocks.cloudformation.on(DescribeStacksCommand).rejects(awsError('ValidationError', 'Stack with id brandstack-acme-high-eu-central-1 does not exist'));
  mocks.ssm.on(GetParameterCommand, { Name: '/cdk-bootstrap/hnb659fds/version' }).resolves({ Parameter: { Value: '27' } });
  mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-default' }] });
  mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [] });
  mocks.ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [] });
  mocks.ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
  mocks.ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: [{ InstanceType: 't4g.micro', LocationType: 'availability-zone', Location: 'eu-central-1a' }] });
  mocks.quotas.on(GetServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
  mocks.route53.on(GetHostedZoneCommand, { Id: 'Z0ACMEEXAMPLE40000000' }).resolves({ HostedZone: { Id: '/hostedzone/Z0ACMEEXAMPLE40000000', Name: 'acme.example.com.', CallerReference: 'x', Config: { PrivateZone: false } } });
  mocks.acm.on(DescribeCertificateCommand, { CertificateArn: CERTIFICATE_ARN }).resolves({
    Certificate: { CertificateArn: CERTIFICATE_ARN, DomainName: 'id.acme.example.com', SubjectAlternativeNames: ['id.acme.example.com', '*.prod.id.acme.example.com'], Status: 'ISSUED' },
  });
  mocks.acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
  mocks.iam.on(GetRoleCommand, { RoleName: 'acme-operators' }).resolves({ Role: { RoleName: 'acme-operators', Arn: `arn:aws:iam::${ACCOUNT}:role/acme-operators`, Path: '/', RoleId: 'AROAEXAMPLE', CreateDate: new Date() } });
  mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [{ Engine: 'aurora-postgresql', EngineVersion: '17.7', DBInstanceClass: 'db.r7g.large' }] });
}

export function clients(): PreflightClients {
  return preflightClients('eu-central-1');
}

export function context(change: Partial<PreflightContext> = {}): PreflightContext {
  return { target: acmeTarget(), footprint: FOOTPRINT, account: ACCOUNT, stackExists: false, clients: clients(), ...change };
}
