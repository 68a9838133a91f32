/**
 * The network constructs on their own: bad props fail at synth with an error
 * naming the prop, and the defaults are the secure ones.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { BASTION_AMI_PINS } from '../../../lib/config/bastion-amis';
import { AUTH_FAILURE_TERMS, AuthFailureAlarm } from '../../../lib/constructs/logging/auth-failure-alarm';
import { Bastion, HEARTBEAT_MESSAGE, HEARTBEAT_TAG, type BastionProps } from '../../../lib/constructs/network/bastion';
import { BrandVpcs, type BrandVpcsProps } from '../../../lib/constructs/network/brand-vpcs';
import { PeeredDataVpc } from '../../../lib/constructs/network/peered-data-vpc';
import { VpcFlowLog } from '../../../lib/constructs/network/vpc-flow-log';

const ZONES = ['eu-central-1a', 'eu-central-1b', 'eu-central-1c'];

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'eu-central-1' } });
}

function vpcs(overrides: Partial<BrandVpcsProps> = {}, scope = stack()): BrandVpcs {
  return new BrandVpcs(scope, 'Network', { zones: ZONES, appCidr: '10.10.0.0/16', mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20', ...overrides });
}

function bastion(overrides: Partial<BastionProps> = {}): Bastion {
  const scope = stack();
  const network = vpcs({}, scope);
  return new Bastion(scope, 'Bastion', {
    vpc: network.appVpc,
    sshSourceCidr: '198.51.100.0/24',
    encryptionKey: new kms.Key(scope, 'Key'),
    logRetention: logs.RetentionDays.ONE_MONTH,
    securityContactEmail: 'security@example.com',
    ...overrides,
  });
}

describe('BrandVpcs', () => {
  test('refuses anything but three zones', () => {
    expect(() => vpcs({ zones: ZONES.slice(0, 2) })).toThrow("BrandVpcs: 'zones' must list three availability zones (got eu-central-1a, eu-central-1b)");
  });

  test('refuses overlapping VPC CIDRs, naming both props', () => {
    expect(() => vpcs({ mongoCidr: '10.10.16.0/20' })).toThrow("BrandVpcs: 'appCidr' (10.10.0.0/16) overlaps 'mongoCidr' (10.10.16.0/20)");
    expect(() => vpcs({ rabbitCidr: '10.11.0.0/24' })).toThrow("BrandVpcs: 'mongoCidr' (10.11.0.0/20) overlaps 'rabbitCidr' (10.11.0.0/24)");
  });

  test('refuses CIDRs outside the sizes the subnet layout fits', () => {
    expect(() => vpcs({ appCidr: '10.10.0.0/21' })).toThrow("BrandVpcs: 'appCidr' '10.10.0.0/21' must be /16 to /20");
    expect(() => vpcs({ mongoCidr: '10.11.0.0/25' })).toThrow("BrandVpcs: 'mongoCidr' '10.11.0.0/25' must be /16 to /24");
    expect(() => vpcs({ rabbitCidr: '10.12.0.1/20' })).toThrow("BrandVpcs: 'rabbitCidr' '10.12.0.1/20' has host bits set");
  });

  test('exposes the isolated database subnets, one per zone, apart from the workload subnets', () => {
    const network = vpcs();
    const isolated = network.appVpc.isolatedSubnets;
    expect(network.databaseSubnets.subnets).toEqual(isolated);
    expect(network.databaseSubnets.availabilityZones).toEqual(ZONES);
    expect(network.databaseSubnetCidrs).toEqual(isolated.map((subnet) => subnet.ipv4CidrBlock));
    expect(network.databaseSubnetCidrs).toHaveLength(3);
    const workload = new Set(network.workloadSubnets.subnets.map((subnet) => subnet.ipv4CidrBlock));
    expect(network.databaseSubnetCidrs.filter((cidr) => workload.has(cidr))).toEqual([]);
  });

  test('the smallest allowed VPCs (/20 application, /24 data) still fit every subnet in three zones', () => {
    const scope = stack();
    vpcs({ appCidr: '10.10.0.0/20', mongoCidr: '10.11.0.0/24', rabbitCidr: '10.12.0.0/24' }, scope);
    const subnets = Object.values(Template.fromStack(scope).findResources('AWS::EC2::Subnet')).map((s: any) => s.Properties.CidrBlock);
    expect(subnets).toHaveLength(15);
    expect(subnets).toEqual(expect.arrayContaining(['10.10.0.0/22', '10.11.0.0/26', '10.12.0.128/26']));
  });

  test('without a key, flow logs get a dedicated rotating key CloudWatch Logs may use, and a year of retention', () => {
    const scope = stack();
    vpcs({}, scope);
    const template = Template.fromStack(scope);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.eu-central-1.amazonaws.com' } })]) },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
  });

  test('the RabbitMQ console path is opened for one host only, and only once asked for', () => {
    const before = stack();
    vpcs({}, before);
    expect(Template.fromStack(before).findResources('AWS::EC2::SecurityGroupIngress')).toEqual({});
    const scope = stack();
    const network = vpcs({}, scope);
    const host = new Bastion(scope, 'Bastion', {
      vpc: network.appVpc,
      sshSourceCidr: '198.51.100.0/24',
      encryptionKey: new kms.Key(scope, 'Key'),
      logRetention: logs.RetentionDays.ONE_MONTH,
      securityContactEmail: 'security@example.com',
    });
    network.allowRabbitConsoleFrom(host);
    const template = Template.fromStack(scope);
    template.hasResource('AWS::EC2::SecurityGroupIngress', {
      Properties: { FromPort: 443, ToPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BastionSecurityGroup'), 'GroupId'] } },
      // A peer VPC's security group can be referenced only once the peering is active.
      DependsOn: [Match.stringLikeRegexp('^NetworkRabbitPeeringConnection')],
    });
  });
});

describe('PeeredDataVpc', () => {
  test('refuses a missing client subnet list and bad CIDRs', () => {
    const scope = stack();
    const app = new ec2.Vpc(scope, 'App', { availabilityZones: ZONES });
    const props = { zones: ZONES, cidr: '10.20.0.0/24', appVpc: app, clientSubnets: app.privateSubnets, servicePort: 27017, serviceName: 'MongoDB (TLS)' };
    expect(() => new PeeredDataVpc(scope, 'A', { ...props, clientSubnets: [] })).toThrow("PeeredDataVpc A: 'clientSubnets' must name at least one subnet");
    expect(() => new PeeredDataVpc(scope, 'B', { ...props, cidr: '10.20.0.0/15' })).toThrow("PeeredDataVpc B: 'cidr' '10.20.0.0/15' must be /16 to /24");
    expect(() => new PeeredDataVpc(scope, 'C', { ...props, cidr: 'ten' })).toThrow("PeeredDataVpc C: 'cidr' 'ten' is not an IPv4 CIDR");
  });

  test('DNS resolution over the peering can be turned off on purpose', () => {
    const scope = stack();
    const app = new ec2.Vpc(scope, 'App', { availabilityZones: ZONES });
    new PeeredDataVpc(scope, 'Data', { zones: ZONES, cidr: '10.20.0.0/24', appVpc: app, clientSubnets: app.privateSubnets, servicePort: 27017, serviceName: 'MongoDB (TLS)', dnsResolution: false });
    Template.fromStack(scope).resourceCountIs('Custom::AWS', 0);
  });
});

describe('Bastion', () => {
  test('refuses SSH from 0.0.0.0/0 or anything wider than /16', () => {
    expect(() => bastion({ sshSourceCidr: '0.0.0.0/0' })).toThrow("Bastion: 'sshSourceCidr' '0.0.0.0/0' is wider than /16; SSH must be admitted from the VPN only");
    expect(() => bastion({ sshSourceCidr: '198.0.0.0/8' })).toThrow("Bastion: 'sshSourceCidr' '198.0.0.0/8' is wider than /16");
    expect(() => bastion({ sshSourceCidr: 'vpn' })).toThrow("Bastion: 'sshSourceCidr' 'vpn' is not an IPv4 CIDR");
  });

  test('refuses a retention CloudWatch Logs does not accept, and unlimited retention', () => {
    expect(() => bastion({ logRetention: 42 as logs.RetentionDays })).toThrow("Bastion: 'logRetention' must be one of the CloudWatch Logs retention periods in days");
    expect(() => bastion({ logRetention: logs.RetentionDays.INFINITE })).toThrow("Bastion: 'logRetention' must be one of");
  });

  test('refuses a VPC selection without subnets', () => {
    expect(() => bastion({ vpcSubnets: { subnetGroupName: 'Database', availabilityZones: ['eu-west-1a'] } })).toThrow("Bastion: 'vpcSubnets' selects no subnet of the VPC");
  });

  test('IMDSv2 is set on the instance itself, so no fixed-name launch template can collide between brands', () => {
    const host = bastion();
    const template = Template.fromStack(Stack.of(host));
    template.resourceCountIs('AWS::EC2::LaunchTemplate', 0);
    template.hasResourceProperties('AWS::EC2::Instance', { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } });
  });

  test("the image is the region's pinned AL2023 arm64 AMI, not an SSM parameter resolved at each deploy", () => {
    const template = Template.fromStack(Stack.of(bastion()));
    template.hasResourceProperties('AWS::EC2::Instance', { ImageId: BASTION_AMI_PINS.images['eu-central-1'] });
    expect(Object.keys(template.toJSON().Parameters ?? {}).filter((name) => name.startsWith('SsmParameterValue'))).toEqual([]);
  });

  test('a region without a pin is refused at synth, naming the region and the refresh command', () => {
    const scope = new Stack(new App(), 'Unpinned', { env: { account: '111111111111', region: 'us-west-1' } });
    const network = new BrandVpcs(scope, 'Network', { zones: ['us-west-1a', 'us-west-1b', 'us-west-1c'], appCidr: '10.10.0.0/16', mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20' });
    expect(
      () =>
        new Bastion(scope, 'Bastion', {
          vpc: network.appVpc,
          sshSourceCidr: '198.51.100.0/24',
          encryptionKey: new kms.Key(scope, 'Key'),
          logRetention: logs.RetentionDays.ONE_MONTH,
          securityContactEmail: 'security@example.com',
        }),
    ).toThrow("lib/config/bastion-amis.ts: no bastion AMI is pinned for region 'us-west-1'; run `npx tsx lib/config/refresh-bastion-amis.ts`");
  });

  test('an x86 instance type with the pinned arm64 images is refused, naming the prop', () => {
    expect(() => bastion({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO) })).toThrow("Bastion: 'instanceType' t3.micro is not arm64");
    expect(() => bastion({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO), machineImage: ec2.MachineImage.genericLinux({ 'eu-central-1': 'ami-0123456789abcdef0' }) })).not.toThrow();
  });

  test('logs that stop arriving raise an alarm to the intrusion topic: missing data breaches, so a host that never ships a line alarms too', () => {
    const host = bastion();
    const template = Template.fromStack(Stack.of(host));
    const topic = Stack.of(host).getLogicalId(host.authFailureAlarm.topic.node.defaultChild as CfnElement);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((a: any) => a.Properties.MetricName === 'IncomingLogEvents');
    expect(alarms).toEqual([
      expect.objectContaining({
        Properties: expect.objectContaining({
          Namespace: 'AWS/Logs',
          Dimensions: [{ Name: 'LogGroupName', Value: { Ref: expect.stringMatching(/^BastionAuthLog/) } }],
          Statistic: 'Sum',
          Period: 300,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          TreatMissingData: 'breaching',
          AlarmActions: [{ Ref: topic }],
          OKActions: [{ Ref: topic }],
        }),
      }),
    ]);
    expect(() => bastion({ missingLogsAfter: Duration.minutes(7) })).toThrow("Bastion: 'missingLogsAfter' must be a multiple of 5 minutes and at least two heartbeats long (got 7 minutes)");
    expect(() => bastion({ missingLogsAfter: Duration.minutes(5) })).toThrow("'missingLogsAfter' must be a multiple of 5 minutes and at least two heartbeats long");
  });

  test('the host writes a heartbeat to its auth log every 5 minutes, which the failure filter does not count', () => {
    const host = bastion();
    const script = host.instance.userData.render();
    const lines = script.split('\n').filter((line) => line.includes('/etc/systemd/system/brandstack-heartbeat'));
    expect(lines).toHaveLength(2);
    // Run the two printf lines into a scratch directory and read the units they write.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heartbeat-'));
    for (const line of lines) execFileSync('bash', ['-c', line.split('/etc/systemd/system').join(dir)]);
    const service = fs.readFileSync(path.join(dir, 'brandstack-heartbeat.service'), 'utf8');
    const timer = fs.readFileSync(path.join(dir, 'brandstack-heartbeat.timer'), 'utf8');
    expect(service).toContain(`ExecStart=/usr/bin/logger -p authpriv.info -t ${HEARTBEAT_TAG} "${HEARTBEAT_MESSAGE}"`);
    expect(timer).toContain('OnUnitActiveSec=5min');
    expect(timer).toContain('WantedBy=timers.target');
    expect(script).toContain('systemctl daemon-reload && systemctl enable --now brandstack-heartbeat.timer');
    // The timer starts after rsyslog, which writes authpriv to /var/log/secure.
    expect(script.indexOf('enable --now brandstack-heartbeat.timer')).toBeGreaterThan(script.indexOf('systemctl enable --now rsyslog'));
    const heartbeat = `${HEARTBEAT_TAG}: ${HEARTBEAT_MESSAGE}`;
    expect(AUTH_FAILURE_TERMS.filter((term) => heartbeat.toLowerCase().includes(term.toLowerCase()))).toEqual([]);
  });

  test('egress is HTTPS only', () => {
    const host = bastion();
    Template.fromStack(Stack.of(host)).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Bastion: SSH from the VPN only',
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })],
    });
  });
});

describe('AuthFailureAlarm and VpcFlowLog', () => {
  test('refuse bad thresholds, e-mail addresses and retentions', () => {
    const scope = stack();
    const key = new kms.Key(scope, 'Key');
    const group = new logs.LogGroup(scope, 'Auth');
    expect(() => new AuthFailureAlarm(scope, 'A', { authLogGroup: group, securityContactEmail: 'security@example.com', encryptionKey: key, threshold: 0 })).toThrow(
      "AuthFailureAlarm: 'threshold' must be a positive integer (got 0)",
    );
    expect(() => new AuthFailureAlarm(scope, 'B', { authLogGroup: group, securityContactEmail: 'security', encryptionKey: key })).toThrow(
      "AuthFailureAlarm: 'securityContactEmail' 'security' is not an e-mail address",
    );
    const vpc = new ec2.Vpc(scope, 'Vpc', { availabilityZones: ZONES });
    expect(() => new VpcFlowLog(scope, 'C', { vpc, encryptionKey: key, retention: 2 as logs.RetentionDays })).toThrow("VpcFlowLog: 'retention' must be one of");
  });

  test('the alarm counts failures per stack-specific namespace over the given period', () => {
    const scope = stack();
    new AuthFailureAlarm(scope, 'Alarm', {
      authLogGroup: new logs.LogGroup(scope, 'Auth'),
      securityContactEmail: 'security@example.com',
      encryptionKey: new kms.Key(scope, 'Key'),
      threshold: 3,
      period: Duration.minutes(10),
    });
    const template = Template.fromStack(scope);
    template.hasResourceProperties('AWS::Logs::MetricFilter', { MetricTransformations: [Match.objectLike({ MetricNamespace: 'Test/Bastion', MetricName: 'AuthenticationFailures' })] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Threshold: 3, Period: 600, Namespace: 'Test/Bastion' });
  });
});
