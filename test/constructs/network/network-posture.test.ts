/**
 * The network facts find the exposure they are meant to find, the posture
 * reports it, and the rules refuse it: so the "nothing open" checks on the
 * brand stacks cannot pass vacuously.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { buildPosture, checkPosture, parseRule, postureFacts, TemplateView, type CfnTemplate, type Violation } from '../../../lib/posture';

function inputOf(build: (stack: Stack, vpc: ec2.Vpc) => void) {
  const stack = new Stack(new App(), 'Exposed', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }],
  });
  build(stack, vpc);
  // The fixture is exposed on purpose; CDK's own template checks need not say so.
  for (const id of ['CloudFormation-Validate::W2508', 'CloudFormation-Validate::W9010']) Validations.of(stack).acknowledge({ id, reason: 'deliberately exposed test fixture' });
  const json = Template.fromStack(stack).toJSON() as CfnTemplate;
  return { stackName: stack.stackName, region: 'eu-west-1', template: new TemplateView(json) };
}

const exposed = inputOf((stack, vpc) => {
  const open = new ec2.SecurityGroup(stack, 'Open', { vpc });
  open.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  open.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(5672));
  new ec2.Instance(stack, 'Host', {
    vpc,
    instanceType: new ec2.InstanceType('t3.micro'),
    machineImage: ec2.MachineImage.genericLinux({ 'eu-west-1': 'ami-12345678' }),
    securityGroup: open,
    associatePublicIpAddress: true,
  });
  new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
});

test('world-open rules, public instances, internet-facing load balancers and auto-public subnets are all reported', () => {
  const posture = buildPosture(exposed).network;
  expect(posture.internetReachable).toEqual([
    'Open: tcp 22 from 0.0.0.0/0',
    'Open: tcp 5672 from ::/0',
    'Host (public via public IP on launch) admits tcp 22 from 0.0.0.0/0, tcp 5672 from ::/0',
    'Lb (internet-facing application load balancer)',
    'Vpc/Public eu-west-1a (10.0.0.0/24) (assigns public IPs on launch)',
    'Vpc/Public eu-west-1b (10.0.1.0/24) (assigns public IPs on launch)',
  ]);
  expect(posture.instanceMetadata).toEqual(['Host: IMDSv1 allowed']);
  expect(posture.ingress.map(parseRule)).toContainEqual({ securityGroup: 'Open', protocol: 'tcp', ports: '5672', source: '::/0' });
  expect(posture.vpcs[0].flowLogs).toEqual([]);
  expect(posture.vpcs[0].defaultSecurityGroupRestricted).toBe(false);
});

test('the rules refuse each exposure, naming what is exposed', () => {
  const found = (violations: Violation[], rule: string) => violations.filter((v) => v.rule === rule).map((v) => v.resource);
  const violations = checkPosture(postureFacts(exposed));
  expect(found(violations, 'network/no-world-open-ingress')).toEqual(['Open', 'Open']);
  expect(found(violations, 'network/public-hosts-admit-only-ssh-from-a-range')).toEqual(['Host', 'Host']);
  expect(found(violations, 'network/no-internet-facing-load-balancers')).toEqual(['Lb']);
  expect(found(violations, 'network/no-public-ip-on-launch')).toEqual(['Vpc/Public eu-west-1a (10.0.0.0/24)', 'Vpc/Public eu-west-1b (10.0.1.0/24)']);
  expect(found(violations, 'network/no-plaintext-amqp')).toEqual(['Open']);
  expect(found(violations, 'network/imdsv2-required')).toEqual(['Host']);
  expect(found(violations, 'network/vpc-flow-logs-encrypted')).toEqual(['Vpc']);
  expect(found(violations, 'network/default-security-groups-restricted')).toEqual(['Vpc']);
  // SSH is open, but only on the public host's group: that is the bastion pattern, refused above for its source.
  expect(found(violations, 'network/ssh-only-to-public-hosts')).toEqual([]);
});

test('SSH to a host without a public address is refused', () => {
  const internal = inputOf((stack, vpc) => {
    const group = new ec2.SecurityGroup(stack, 'Internal', { vpc });
    group.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcpRange(20, 25));
  });
  expect(checkPosture(postureFacts(internal)).filter((v) => v.rule === 'network/ssh-only-to-public-hosts')).toEqual([
    { rule: 'network/ssh-only-to-public-hosts', resource: 'Internal', reason: "admits SSH (tcp ports 20-25) but is no public host's group" },
  ]);
});

test('parseRule refuses a line that is not a rule', () => {
  expect(() => parseRule('SSH from anywhere')).toThrow('not an ingress rule line: SSH from anywhere');
});
