import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BASTION_AMI_PINS, bastionAmiFor } from '../../config/bastion-amis';
import { parseCidr } from '../../config/cidr';
import { AuthFailureAlarm } from '../logging/auth-failure-alarm';
import { EncryptedLogGroup } from '../logging/encrypted-log-group';
import type { ManagementHost } from './peered-data-vpc';
import { requireRetention } from '../logging/retention';
import { PORTS } from '../../config/ports';

export interface BastionProps {
  /** The application VPC; the bastion runs in one of its public subnets. */
  readonly vpc: ec2.IVpc;
  /**
   * Where the bastion runs; the first selected subnet is used.
   * @default the public subnets of `vpc`
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** The company VPN: the only source admitted on SSH (22). At most a /16, never 0.0.0.0/0. */
  readonly sshSourceCidr: string;
  /** Encrypts the root volume, the auth and session log groups, and the alarm topic. */
  readonly encryptionKey: kms.IKey;
  /** How long auth and session logs are kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * What happens to the log groups when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Receives the repeated-authentication-failure alarm. */
  readonly securityContactEmail: string;
  /**
   * Failed authentications within five minutes that raise the alarm.
   * @default 5
   */
  readonly authFailureThreshold?: number;
  /**
   * An arm64 (Graviton) type unless `machineImage` is given: the pinned images are arm64.
   * @default t4g.micro
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * The image. A different image id replaces the (stateless) bastion on the
   * next deploy, so the default is pinned per region in lib/config/bastion-amis.ts
   * and changes only when the pins are refreshed
   * (`npx tsx lib/config/refresh-bastion-amis.ts`), never with each Amazon Linux
   * release. Synth refuses a region without a pin.
   * @default the pinned Amazon Linux 2023 arm64 AMI of the stack's region
   */
  readonly machineImage?: ec2.IMachineImage;
  /**
   * How long the auth log may receive nothing before the missing-logs alarm
   * fires. The host writes a heartbeat line to the auth log every
   * {@link HEARTBEAT_INTERVAL}, so silence means logs stopped arriving.
   * @default Duration.minutes(15)
   */
  readonly missingLogsAfter?: Duration;
}

/** Where the CloudWatch agent reads its configuration from on the host. */
const AGENT_CONFIG = '/opt/aws/amazon-cloudwatch-agent/etc/brandstack-auth-log.json';

/** How often the host writes a heartbeat line to its auth log. */
export const HEARTBEAT_INTERVAL = Duration.minutes(5);

/**
 * The heartbeat line (syslog tag and message). It contains none of the
 * authentication-failure terms (lib/constructs/logging/auth-failure-alarm.ts),
 * so it never counts as a failure.
 */
export const HEARTBEAT_TAG = 'brandstack-heartbeat';
export const HEARTBEAT_MESSAGE = 'auth log shipping alive';

/**
 * The brand's one public host. SSH (22) is admitted from the VPN CIDR only,
 * and Session Manager is available without any open port. There is no key
 * pair: operators push a short-lived key with EC2 Instance Connect, which
 * CloudTrail records. IMDSv2 is required, the root volume is encrypted with
 * the brand key, and the role may only register with Session Manager and
 * write the two log groups. Authentication activity (/var/log/secure) and
 * Session Manager transcripts go to KMS-encrypted log groups, and repeated
 * authentication failures raise an alarm to the security contact, as does an
 * auth log that stops receiving events (the host writes a heartbeat to it), so a
 * broken log pipeline cannot silence the first alarm. The image is pinned per
 * region (lib/config/bastion-amis.ts).
 */
export class Bastion extends Construct implements ManagementHost, ec2.IConnectable {
  readonly hostName = 'Bastion';
  readonly instance: ec2.Instance;
  readonly role: iam.Role;
  readonly securityGroup: ec2.SecurityGroup;
  readonly connections: ec2.Connections;
  readonly subnet: ec2.ISubnet;
  readonly securityGroupId: string;
  /** The instance's private address as a /32. */
  readonly privateCidr: string;
  /** The Elastic IP operators connect to. */
  readonly publicIp: string;
  /** /var/log/secure of the host (sshd, sudo, PAM). */
  readonly authLogGroup: logs.LogGroup;
  /** Session Manager transcripts. */
  readonly sessionLogGroup: logs.LogGroup;
  /** The Session Manager document that logs to `sessionLogGroup`: pass it as `--document-name` to `aws ssm start-session`. */
  readonly sessionDocumentName: string;
  readonly authFailureAlarm: AuthFailureAlarm;
  /**
   * Fires when the auth log receives no event (not even the heartbeat) for
   * `missingLogsAfter`: the CloudWatch agent never installed or stopped, or the
   * host is down. Until it clears, the intrusion alarm cannot fire either.
   */
  readonly missingLogsAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: BastionProps) {
    super(scope, id);
    const vpn = parseCidr(props.sshSourceCidr);
    if (typeof vpn === 'string') throw new Error(`Bastion: 'sshSourceCidr' '${props.sshSourceCidr}' ${vpn}`);
    if (vpn.prefix < 16) throw new Error(`Bastion: 'sshSourceCidr' '${props.sshSourceCidr}' is wider than /16; SSH must be admitted from the VPN only`);
    requireRetention('Bastion', 'logRetention', props.logRetention);
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PUBLIC }).subnets;
    if (subnets.length === 0) throw new Error(`Bastion: 'vpcSubnets' selects no subnet of the VPC`);
    this.subnet = subnets[0];

    const logGroup = (groupId: string) =>
      new EncryptedLogGroup(this, groupId, {
        encryptionKey: props.encryptionKey,
        retention: props.logRetention,
        removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      });
    this.authLogGroup = logGroup('AuthLog');
    this.sessionLogGroup = logGroup('SessionLog');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Bastion: SSH from the VPN only',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.ipv4(props.sshSourceCidr), ec2.Port.tcp(PORTS.ssh), 'SSH from the company VPN');
    // Session Manager, CloudWatch Logs and the Amazon Linux repositories are
    // public HTTPS endpoints (no interface endpoints in this VPC). DNS, NTP and
    // instance metadata go to link-local addresses security groups do not filter.
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(PORTS.https), 'HTTPS to AWS APIs (SSM, CloudWatch Logs) and package repositories');
    this.connections = this.securityGroup.connections;
    this.securityGroupId = this.securityGroup.securityGroupId;

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'Bastion: Session Manager registration and its own log groups only',
    });
    this.grantLogging();

    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO);
    if (!props.machineImage && instanceType.architecture !== ec2.InstanceArchitecture.ARM_64) {
      throw new Error(`Bastion: 'instanceType' ${instanceType} is not arm64, and the pinned images are; choose a Graviton type or give 'machineImage'`);
    }
    const missingLogsAfter = props.missingLogsAfter ?? Duration.minutes(15);
    const periods = missingLogsAfter.toMinutes() / HEARTBEAT_INTERVAL.toMinutes();
    if (!Number.isInteger(periods) || periods < 2) {
      throw new Error(`Bastion: 'missingLogsAfter' must be a multiple of ${HEARTBEAT_INTERVAL.toHumanString()} and at least two heartbeats long (got ${missingLogsAfter.toHumanString()})`);
    }

    this.instance = new ec2.Instance(this, 'Instance', {
      vpc: props.vpc,
      vpcSubnets: { subnets: [this.subnet] },
      instanceType,
      machineImage: props.machineImage ?? this.pinnedImage(),
      securityGroup: this.securityGroup,
      role: this.role,
      detailedMonitoring: true,
      ebsOptimized: true,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(20, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            kmsKey: props.encryptionKey,
            deleteOnTermination: true,
          }),
        },
      ],
      userData: this.userData(),
      userDataCausesReplacement: true,
    });
    // IMDSv2 set on the instance itself: `requireImdsv2` would add a launch
    // template with a fixed name, which collides between brands sharing an account.
    (this.instance.node.defaultChild as ec2.CfnInstance).metadataOptions = {
      httpTokens: 'required',
      httpEndpoint: 'enabled',
      httpPutResponseHopLimit: 1,
    };
    this.privateCidr = `${this.instance.instancePrivateIp}/32`;

    // An Elastic IP keeps the address stable when a new image replaces the instance.
    const address = new ec2.CfnEIP(this, 'Address', { domain: 'vpc', instanceId: this.instance.instanceId });
    this.publicIp = address.ref;

    const sessionDocument = new ssm.CfnDocument(this, 'SessionPreferences', {
      documentType: 'Session',
      // Name left to CloudFormation: document names are per account and region,
      // and brands may share an account.
      content: {
        schemaVersion: '1.0',
        description: 'Bastion sessions, streamed to the KMS-encrypted session log group',
        sessionType: 'Standard_Stream',
        inputs: {
          cloudWatchLogGroupName: this.sessionLogGroup.logGroupName,
          cloudWatchEncryptionEnabled: true,
          cloudWatchStreamingEnabled: true,
          s3BucketName: '',
          idleSessionTimeout: '20',
          maxSessionDuration: '120',
          runAsEnabled: false,
          shellProfile: { linux: '', windows: '' },
        },
      },
    });
    this.sessionDocumentName = sessionDocument.ref;

    this.authFailureAlarm = new AuthFailureAlarm(this, 'AuthFailures', {
      authLogGroup: this.authLogGroup,
      securityContactEmail: props.securityContactEmail,
      encryptionKey: props.encryptionKey,
      threshold: props.authFailureThreshold,
    });

    // IncomingLogEvents has a datapoint only in periods with events, so a period
    // without one is missing data, treated as breaching: a host that never
    // shipped a line (the agent failed to install on first boot) alarms too.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CloudWatch-Logs-Monitoring-CloudWatch-Metrics.html
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
    this.missingLogsAlarm = new cloudwatch.Alarm(this, 'LogsMissing', {
      alarmDescription: `No event reached the bastion's auth log for ${missingLogsAfter.toHumanString()} (the host writes a heartbeat every ${HEARTBEAT_INTERVAL.toHumanString()}): the CloudWatch agent is not shipping logs or the host is down, and the authentication-failure alarm is blind until it recovers`,
      // Built by hand: LogGroup.metricIncomingLogEvents() names the metric `IncomingLogs`
      // without the LogGroupName dimension (aws-cdk-lib 2.276), which matches no datapoint.
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Logs',
        metricName: 'IncomingLogEvents',
        dimensionsMap: { LogGroupName: this.authLogGroup.logGroupName },
        statistic: cloudwatch.Stats.SUM,
        period: HEARTBEAT_INTERVAL,
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.missingLogsAlarm.addAlarmAction(new actions.SnsAction(this.authFailureAlarm.topic));
    this.missingLogsAlarm.addOkAction(new actions.SnsAction(this.authFailureAlarm.topic));

    new CfnOutput(this, 'BastionAddress', { value: this.publicIp, description: 'Bastion Elastic IP (SSH from the VPN only)' });
    new CfnOutput(this, 'BastionSessionDocument', { value: this.sessionDocumentName, description: 'aws ssm start-session --document-name for logged sessions' });
  }

  /**
   * The pinned image of the stack's region (lib/config/bastion-amis.ts). A
   * region-agnostic stack gets every pin as a template mapping.
   */
  private pinnedImage(): ec2.IMachineImage {
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) return ec2.MachineImage.genericLinux({ ...BASTION_AMI_PINS.images });
    return ec2.MachineImage.genericLinux({ [region]: bastionAmiFor(region) });
  }

  /**
   * Session Manager needs UpdateInstanceInformation and the ssmmessages
   * channel actions; the latter support no resource-level permissions
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonmessagegatewayservice.html).
   * Logging needs DescribeLogGroups (Session Manager checks the group is
   * encrypted) and writes to the two log groups only.
   */
  private grantLogging(): void {
    // Pseudo parameters rather than the stack's literal region and account keep
    // the policy text (and its nag acknowledgement) the same for every brand.
    const arn = (service: string, resource: string) => `arn:${Aws.PARTITION}:${service}:${Aws.REGION}:${Aws.ACCOUNT_ID}:${resource}`;
    this.role.addManagedPolicy(
      new iam.ManagedPolicy(this, 'Policy', {
        statements: [
          new iam.PolicyStatement({
            sid: 'SessionManagerChannels',
            actions: ['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'],
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'SessionManagerRegistration',
            actions: ['ssm:UpdateInstanceInformation'],
            resources: [arn('ec2', 'instance/*')],
          }),
          new iam.PolicyStatement({
            sid: 'SessionLogEncryptionCheck',
            actions: ['logs:DescribeLogGroups'],
            resources: [arn('logs', 'log-group:*')],
          }),
          new iam.PolicyStatement({
            sid: 'WriteOwnLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [this.authLogGroup.logGroupArn, this.sessionLogGroup.logGroupArn],
          }),
        ],
      }),
    );
  }

  /**
   * Amazon Linux 2023 logs to journald only, so rsyslog is installed to keep
   * /var/log/secure, which the CloudWatch agent ships with a fixed
   * configuration. Package installs retry: the Elastic IP is attached
   * moments after the instance starts. A systemd timer writes a heartbeat
   * line to the auth log (authpriv goes to /var/log/secure) every
   * {@link HEARTBEAT_INTERVAL}, so a quiet host still ships a line and the
   * missing-logs alarm tells silence from a broken agent.
   */
  private userData(): ec2.UserData {
    const agentConfig = JSON.stringify({
      agent: { run_as_user: 'root' },
      logs: {
        logs_collected: {
          files: {
            collect_list: [{ file_path: '/var/log/secure', log_group_name: this.authLogGroup.logGroupName, log_stream_name: '{instance_id}/secure' }],
          },
        },
      },
    });
    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      'set -euo pipefail',
      'for attempt in $(seq 1 30); do dnf install -y rsyslog amazon-cloudwatch-agent && break; sleep 10; done',
      'systemctl enable --now rsyslog',
      `printf '[Unit]\\nDescription=brandstack auth-log heartbeat\\n\\n[Service]\\nType=oneshot\\nExecStart=/usr/bin/logger -p authpriv.info -t ${HEARTBEAT_TAG} "${HEARTBEAT_MESSAGE}"\\n' > /etc/systemd/system/${HEARTBEAT_TAG}.service`,
      `printf '[Unit]\\nDescription=brandstack auth-log heartbeat every ${HEARTBEAT_INTERVAL.toMinutes()} minutes\\n\\n[Timer]\\nOnBootSec=1min\\nOnUnitActiveSec=${HEARTBEAT_INTERVAL.toMinutes()}min\\n\\n[Install]\\nWantedBy=timers.target\\n' > /etc/systemd/system/${HEARTBEAT_TAG}.timer`,
      `systemctl daemon-reload && systemctl enable --now ${HEARTBEAT_TAG}.timer`,
      // Key-only logins, no root, few tries per connection; VERBOSE logs the key fingerprint of each login.
      "printf 'PasswordAuthentication no\\nPermitRootLogin no\\nMaxAuthTries 3\\nLogLevel VERBOSE\\n' > /etc/ssh/sshd_config.d/10-brandstack.conf",
      'systemctl reload sshd',
      `cat > ${AGENT_CONFIG} <<'EOF'`,
      agentConfig,
      'EOF',
      `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG}`,
    );
    return userData;
  }
}
