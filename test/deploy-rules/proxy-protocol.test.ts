import { CfnResource, Stack, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import { findingsOf, testStack } from './findings';

const rule = 'ProxyProtocolTrustedOnlyFromLoadBalancerSubnets';
const ANNOTATIONS = {
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
  'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*',
};

/** A VPC (public subnets 10.0.0.0/18 and 10.0.64.0/18, private 10.0.128.0/18 and 10.0.192.0/18) and a cluster in it. */
function cluster(stack: Stack) {
  const vpc = new ec2.Vpc(stack, 'Vpc', { ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'), maxAzs: 2, natGateways: 0, subnetConfiguration: [
    { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 18 },
    { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 18 },
  ] });
  const cfnCluster = new eks.CfnCluster(stack, 'Cluster', {
    roleArn: 'arn:aws:iam::111111111111:role/eks',
    resourcesVpcConfig: { subnetIds: vpc.isolatedSubnets.map((subnet) => subnet.subnetId) },
  });
  return { vpc, cfnCluster };
}

/** The Traefik release as aws-eks renders one: Values is the JSON of the values, an Fn::Join where they hold tokens. */
function traefik(stack: Stack, clusterName: string, values: Record<string, unknown>, id = 'Release', chart = 'traefik'): void {
  new CfnResource(stack, id, {
    type: 'Custom::AWSCDK-EKS-HelmChart',
    properties: { ServiceToken: 'arn:aws:lambda:eu-central-1:111111111111:function:kubectl', ClusterName: clusterName, Release: chart, Chart: chart, Namespace: 'traefik', Values: Stack.of(stack).toJsonString(values) },
  });
}

function websecure(proxyProtocol: unknown, extra: Record<string, unknown> = {}) {
  return { ports: { web: { expose: { default: false } }, websecure: { expose: { default: true }, proxyProtocol, ...extra } }, service: { annotations: ANNOTATIONS } };
}

describe('ProxyProtocolTrustedOnlyFromLoadBalancerSubnets', () => {
  test("trusting the VPC CIDR fails: it trusts beyond the load balancer's subnets, and names none of them", () => {
    const stack = testStack();
    const { vpc, cfnCluster } = cluster(stack);
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: [vpc.vpcCidrBlock] }));
    expect(findingsOf(stack, rule)).toEqual([
      '[LoadBalancerSubnetNotTrusted::websecure.proxyProtocol::10.0.0.0/18] Test/Release',
      '[LoadBalancerSubnetNotTrusted::websecure.proxyProtocol::10.0.64.0/18] Test/Release',
      '[TrustsBeyondLoadBalancer::websecure.proxyProtocol::10.0.0.0/16] Test/Release',
    ]);
  });

  test("trusting the public subnets' CIDRs passes, written literally or as the subnets' CidrBlock", () => {
    const stack = testStack();
    const { vpc, cfnCluster } = cluster(stack);
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: ['10.0.0.0/18', '10.0.64.0/18'] }));
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: vpc.publicSubnets.map((subnet) => (subnet.node.defaultChild as ec2.CfnSubnet).attrCidrBlock) }), 'ByReference');
    // Only Traefik releases are read: another chart's values mean something else.
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: [vpc.vpcCidrBlock] }), 'Other', 'other-proxy');
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('a pod subnet among the trusted sources fails; so does a missing public subnet', () => {
    const stack = testStack();
    const { cfnCluster } = cluster(stack);
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: ['10.0.0.0/18', '10.0.128.0/18'] }));
    expect(findingsOf(stack, rule)).toEqual([
      '[LoadBalancerSubnetNotTrusted::websecure.proxyProtocol::10.0.64.0/18] Test/Release',
      '[TrustsBeyondLoadBalancer::websecure.proxyProtocol::10.0.128.0/18] Test/Release',
    ]);
  });

  test('subnets tagged kubernetes.io/role/elb are where an internet-facing load balancer goes', () => {
    const stack = testStack();
    const { vpc, cfnCluster } = cluster(stack);
    Tags.of(vpc.publicSubnets[0]).add('kubernetes.io/role/elb', '1');
    traefik(stack, cfnCluster.ref, websecure({ trustedIPs: ['10.0.0.0/18'] }));
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('insecure trust, forwarded headers from elsewhere, CLI overrides, and a port that ignores the PROXY header fail', () => {
    const stack = testStack();
    const { cfnCluster } = cluster(stack);
    traefik(stack, cfnCluster.ref, {
      ...websecure({ insecure: true }, { forwardedHeaders: { trustedIPs: ['0.0.0.0/0'] } }),
      additionalArguments: ['--entryPoints.websecure.proxyProtocol.trustedIPs=10.0.0.0/8'],
    });
    traefik(stack, cfnCluster.ref, { ports: { websecure: { expose: { default: true } } }, service: { annotations: ANNOTATIONS } }, 'Deaf');
    expect(findingsOf(stack, rule)).toEqual([
      '[LoadBalancerSubnetNotTrusted::websecure.forwardedHeaders::10.0.0.0/18] Test/Release',
      '[LoadBalancerSubnetNotTrusted::websecure.forwardedHeaders::10.0.64.0/18] Test/Release',
      '[ProxyProtocolNotAccepted::websecure] Test/Deaf',
      '[TrustSetInAdditionalArguments::--entryPoints.websecure.proxyProtocol.trustedIPs] Test/Release',
      '[TrustsBeyondLoadBalancer::websecure.forwardedHeaders::0.0.0.0/0] Test/Release',
      '[TrustsEveryone::websecure.proxyProtocol] Test/Release',
    ]);
  });
});
