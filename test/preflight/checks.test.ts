/**
 * Each preflight check against a mocked account: it holds on a healthy
 * account, and fails, with the numbers it compared, when one thing is wrong.
 */
import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeAddressesCommand, DescribeInstanceTypeOfferingsCommand, DescribeNatGatewaysCommand, DescribeSubnetsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { DescribeOrderableDBInstanceOptionsCommand } from '@aws-sdk/client-rds';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { bootstrapVersion } from '../../lib/preflight/bootstrap-version';
import { covers, dnsReadiness } from '../../lib/preflight/dns-readiness';
import { elasticIpQuota } from '../../lib/preflight/elastic-ip-quota';
import { natGatewayQuota } from '../../lib/preflight/nat-gateway-quota';
import { operatorRoles } from '../../lib/preflight/operator-roles';
import { regionServices } from '../../lib/preflight/region-services';
import { vpcQuota } from '../../lib/preflight/vpc-quota';
import { ACCOUNT, CERTIFICATE_ARN, CERTIFICATES_DNS, acmeTarget, awsError, context, healthyAccount, mocks } from './fixtures';

beforeEach(healthyAccount);

describe('CDK bootstrap version', () => {
  test('holds when the SSM parameter is at least the version the template requires', async () => {
    expect(await bootstrapVersion(context())).toEqual({ name: 'CDK bootstrap version (/cdk-bootstrap/hnb659fds/version)', holds: true, compared: '27 >= 6 required' });
  });

  test('fails on an older bootstrap stack, naming the command that fixes it', async () => {
    mocks.ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '5' } });
    expect(await bootstrapVersion(context())).toMatchObject({ holds: false, compared: `5 < 6 required: run cdk bootstrap aws://${ACCOUNT}/eu-central-1` });
  });

  test('fails when the region is not bootstrapped at all', async () => {
    mocks.ssm.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    expect(await bootstrapVersion(context())).toMatchObject({ holds: false, compared: expect.stringMatching(/^not bootstrapped \(no parameter\); 6 required/) });
  });
});

describe('VPCs per Region', () => {
  test('holds when the VPCs in use plus the stack\'s three fit the quota', async () => {
    expect(await vpcQuota(context())).toEqual({ name: 'VPCs per Region (L-F678F1CE)', holds: true, compared: '1 in use + 3 needed = 4 <= quota 5' });
  });

  test('fails when a second stack would not fit (the default quota of 5 takes one stack)', async () => {
    mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1' }, { VpcId: 'vpc-2' }, { VpcId: 'vpc-3' }] });
    expect(await vpcQuota(context())).toMatchObject({ holds: false, compared: '3 in use + 3 needed = 6 > quota 5' });
  });

  test('reads the raised quota, and counts every page of VPCs', async () => {
    mocks.quotas.on(GetServiceQuotaCommand, { ServiceCode: 'vpc', QuotaCode: 'L-F678F1CE' }).resolves({ Quota: { Value: 10 } });
    mocks.ec2
      .on(DescribeVpcsCommand)
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-1' }, { VpcId: 'vpc-2' }], NextToken: 'page-2' })
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-3' }, { VpcId: 'vpc-4' }, { VpcId: 'vpc-5' }] });
    expect(await vpcQuota(context())).toMatchObject({ holds: true, compared: '5 in use + 3 needed = 8 <= quota 10' });
  });

  test('falls back to the AWS default when the account has no applied value', async () => {
    mocks.quotas.on(GetServiceQuotaCommand).rejects(awsError('NoSuchResourceException'));
    mocks.quotas.on(GetAWSDefaultServiceQuotaCommand).resolves({ Quota: { Value: 5 } });
    expect(await vpcQuota(context())).toMatchObject({ holds: true, compared: '1 in use + 3 needed = 4 <= quota 5' });
  });

  test('an existing stack needs nothing new: its VPCs are already in use', async () => {
    mocks.ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [1, 2, 3, 4, 5].map((n) => ({ VpcId: `vpc-${n}` })) });
    expect(await vpcQuota(context({ stackExists: true }))).toMatchObject({ holds: true, compared: '5 in use + 0 needed = 5 <= quota 5' });
  });
});

describe('EC2-VPC Elastic IPs', () => {
  test('holds when the addresses in use plus the stack\'s four fit', async () => {
    mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: 'eipalloc-1' }] });
    expect(await elasticIpQuota(context())).toEqual({ name: 'EC2-VPC Elastic IPs (L-0263D0A3)', holds: true, compared: '1 in use + 4 needed = 5 <= quota 5' });
  });

  test('fails when they do not', async () => {
    mocks.ec2.on(DescribeAddressesCommand).resolves({ Addresses: [{ AllocationId: 'eipalloc-1' }, { AllocationId: 'eipalloc-2' }] });
    expect(await elasticIpQuota(context())).toMatchObject({ holds: false, compared: '2 in use + 4 needed = 6 > quota 5' });
  });
});

describe('NAT gateways per Availability Zone', () => {
  test('holds in every zone, listing each', async () => {
    expect(await natGatewayQuota(context())).toEqual({
      name: 'NAT gateways per Availability Zone (L-FE5A380F)',
      holds: true,
      compared: 'eu-central-1a: 0 in use + 1 needed = 1 <= quota 5; eu-central-1b: 0 in use + 1 needed = 1 <= quota 5; eu-central-1c: 0 in use + 1 needed = 1 <= quota 5',
    });
  });

  test('fails when one zone is full, placing each gateway by its subnet\'s zone', async () => {
    const inB = ['subnet-b1', 'subnet-b2', 'subnet-b1', 'subnet-b2', 'subnet-b1'];
    mocks.ec2.on(DescribeNatGatewaysCommand).resolves({ NatGateways: [...inB, 'subnet-a1'].map((SubnetId, n) => ({ NatGatewayId: `nat-${n}`, SubnetId })) });
    mocks.ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: 'subnet-a1', AvailabilityZone: 'eu-central-1a' },
        { SubnetId: 'subnet-b1', AvailabilityZone: 'eu-central-1b' },
        { SubnetId: 'subnet-b2', AvailabilityZone: 'eu-central-1b' },
      ],
    });
    const checked = await natGatewayQuota(context());
    expect(checked.holds).toBe(false);
    expect(checked.compared).toContain('eu-central-1a: 1 in use + 1 needed = 2 <= quota 5');
    expect(checked.compared).toContain('eu-central-1b: 5 in use + 1 needed = 6 > quota 5');
    expect(mocks.ec2.commandCalls(DescribeNatGatewaysCommand)[0].args[0].input.Filter).toEqual([{ Name: 'state', Values: ['pending', 'available', 'deleting'] }]);
  });
});

describe('DNS', () => {
  test('hosted zone: holds when the zone exists, is public and has the brand file\'s name', async () => {
    expect(await dnsReadiness(context())).toEqual({
      name: 'Hosted zone Z0ACMEEXAMPLE40000000 (acme.example.com)',
      holds: true,
      compared: 'public zone named acme.example.com; expected a public zone named acme.example.com',
    });
  });

  test('hosted zone: fails when missing, private, or named otherwise', async () => {
    mocks.route53.on(GetHostedZoneCommand).rejects(awsError('NoSuchHostedZone'));
    expect(await dnsReadiness(context())).toMatchObject({ holds: false, compared: expect.stringMatching(/^no hosted zone Z0ACMEEXAMPLE40000000 in this account/) });

    mocks.route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: 'Z0ACMEEXAMPLE40000000', Name: 'acme.example.com.', CallerReference: 'x', Config: { PrivateZone: true } } });
    expect(await dnsReadiness(context())).toMatchObject({ holds: false, compared: 'private zone named acme.example.com; expected a public zone named acme.example.com' });

    mocks.route53.on(GetHostedZoneCommand).resolves({ HostedZone: { Id: 'Z0ACMEEXAMPLE40000000', Name: 'example.com.', CallerReference: 'x', Config: { PrivateZone: false } } });
    expect(await dnsReadiness(context())).toMatchObject({ holds: false, compared: 'public zone named example.com; expected a public zone named acme.example.com' });
  });

  test('certificate: holds when ISSUED and covering the stack hostname and, in prod, the public name', async () => {
    const checked = await dnsReadiness(context({ target: acmeTarget({ dns: CERTIFICATES_DNS }) }));
    expect(checked).toEqual({ name: 'Certificate prod/eu-central-1', holds: true, compared: 'status ISSUED, covers id.acme.example.com, id.acme.example.com, *.prod.id.acme.example.com' });
  });

  test('certificate: fails when pending validation, not covering the hostname, or missing', async () => {
    const target = acmeTarget({ dns: CERTIFICATES_DNS });
    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { DomainName: 'id.acme.example.com', SubjectAlternativeNames: ['*.prod.id.acme.example.com'], Status: 'PENDING_VALIDATION' } });
    expect(await dnsReadiness(context({ target }))).toMatchObject({ holds: false, compared: expect.stringMatching(/^status PENDING_VALIDATION/) });

    mocks.acm.on(DescribeCertificateCommand).resolves({ Certificate: { DomainName: 'id.acme.example.com', SubjectAlternativeNames: ['id.acme.example.com'], Status: 'ISSUED' } });
    expect(await dnsReadiness(context({ target }))).toMatchObject({ holds: false, compared: 'status ISSUED, covers id.acme.example.com, id.acme.example.com; does not cover eu-central-1.prod.id.acme.example.com' });

    mocks.acm.on(DescribeCertificateCommand).rejects(awsError('ResourceNotFoundException'));
    expect(await dnsReadiness(context({ target }))).toMatchObject({ holds: false, compared: `no certificate ${CERTIFICATE_ARN} in eu-central-1` });
  });

  test('a wildcard covers exactly one leftmost label', () => {
    expect(covers('*.prod.id.acme.example.com', 'eu-central-1.prod.id.acme.example.com')).toBe(true);
    expect(covers('*.id.acme.example.com', 'eu-central-1.prod.id.acme.example.com')).toBe(false);
    expect(covers('*.prod.id.acme.example.com', 'prod.id.acme.example.com')).toBe(false);
  });

  test('delegated subdomain: holds and says what the stack will create', async () => {
    const checked = await dnsReadiness(context({ target: acmeTarget({ dns: { delegatedSubdomain: true } }) }));
    expect(checked).toEqual({
      name: 'DNS (delegated subdomain)',
      holds: true,
      compared: 'the stack creates public hosted zone eu-central-1.prod.id.acme.example.com; add the NS records of its output to the parent zone once',
    });
  });
});

describe('operator roles', () => {
  test('holds when every role of this account exists; roles of other accounts are counted, not checked', async () => {
    expect(await operatorRoles(context())).toEqual({ name: 'Operator roles (brand operators)', holds: true, compared: `1 of 1 role(s) in account ${ACCOUNT} exist; 3 in other accounts not checked from here` });
    expect(mocks.iam.commandCalls(GetRoleCommand).map((call) => call.args[0].input.RoleName)).toEqual(['acme-operators']);
  });

  test('fails naming a missing key administrator (KMS would refuse the key policy)', async () => {
    const keyAdmin = `arn:aws:iam::${ACCOUNT}:role/security/key-admins`;
    mocks.iam.on(GetRoleCommand, { RoleName: 'key-admins' }).rejects(awsError('NoSuchEntityException', 'The role with name key-admins cannot be found.'));
    const target = acmeTarget({ operators: { clusterAdminRoleArns: ACME_OPERATORS, keyAdministratorArns: [keyAdmin] } });
    expect(await operatorRoles(context({ target }))).toMatchObject({ holds: false, compared: `1 of 2 role(s) in account ${ACCOUNT} exist; missing: ${keyAdmin}; 3 in other accounts not checked from here` });
  });
});
const ACME_OPERATORS = ['222222222222', '333333333333', '444444444444', '555555555555'].map((account) => `arn:aws:iam::${account}:role/acme-operators`);

describe('services offered in the region', () => {
  test('holds when the table and the account offer everything', async () => {
    expect(await regionServices(context())).toEqual({
      name: 'Services offered in eu-central-1',
      holds: true,
      compared: 'all offered (the documented table, 1 instance type(s), 1 Aurora instance class(es), ACM)',
    });
    expect(mocks.rds.commandCalls(DescribeOrderableDBInstanceOptionsCommand)[0].args[0].input).toMatchObject({ Engine: 'aurora-postgresql', EngineVersion: '17.7', DBInstanceClass: 'db.r7g.large' });
  });

  test('fails when the bastion\'s instance type is not offered in its zone, or the Aurora class is not orderable', async () => {
    mocks.ec2.on(DescribeInstanceTypeOfferingsCommand).resolves({ InstanceTypeOfferings: [] });
    mocks.rds.on(DescribeOrderableDBInstanceOptionsCommand).resolves({ OrderableDBInstanceOptions: [] });
    expect(await regionServices(context())).toMatchObject({ holds: false, compared: '2 missing: EC2 t4g.micro in eu-central-1a; Aurora PostgreSQL 17.7 on db.r7g.large' });
  });

  test('fails, citing the source, for a region the table says lacks a service', async () => {
    const target = { ...acmeTarget(), region: { ...acmeTarget().region, code: 'me-south-1', zones: ['me-south-1a', 'me-south-1b', 'me-south-1c'] } };
    const checked = await regionServices(context({ target, footprint: { ...context().footprint, instances: [], auroraInstances: [] } }));
    expect(checked.holds).toBe(false);
    expect(checked.compared).toMatch(/^1 missing: Amazon DocumentDB db\.r6g\.large instances \(R6G class\) \(absent, https:\/\/docs\.aws\.amazon\.com\/documentdb\//);
  });
});
