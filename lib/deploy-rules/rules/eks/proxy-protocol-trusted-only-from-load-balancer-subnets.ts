import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { isObject, placeholderReference, referenceOf, StackTemplate, tagValue, textOf, type RenderedResource } from '../../template/stack-template';

const HELM_CHART = 'Custom::AWSCDK-EKS-HelmChart';
const ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-';

/**
 * Traefik believes PROXY protocol headers (and X-Forwarded-* headers) only from
 * the load balancer's subnets: for the Traefik Helm release, every
 * `ports.<entrypoint>.proxyProtocol.trustedIPs` (and
 * `ports.<entrypoint>.forwardedHeaders.trustedIPs`, when set) equals the CIDRs
 * of the subnets the Network Load Balancer is placed in, and neither sets
 * `insecure`. An entrypoint the load balancer sends PROXY protocol to
 * (annotation `aws-load-balancer-proxy-protocol`) must accept it.
 *
 * Traefik: "IPs in `trustedIPs` only will lead to remote client address
 * replacement: Declare load-balancer IPs or CIDR range here"
 * (https://doc.traefik.io/traefik/routing/entrypoints/#proxyprotocol). The NLB
 * "prepends a proxy protocol header to the TCP data. It does not discard or
 * overwrite any existing data, including any proxy protocol headers sent by the
 * client ... if there is another network path to your targets outside of your
 * Network Load Balancer, the first proxy protocol header might not be the one
 * from your Network Load Balancer"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#proxy-protocol).
 * Trusting a wider range (the VPC CIDR) lets any pod or instance in it forge the
 * client address that per-client rate limits and IP blocking key on.
 *
 * The load balancer's subnets: "Public subnets are used for internet-facing
 * load balancers. These subnets must have the following tags:
 * kubernetes.io/role/elb", private ones for internal load balancers with
 * `kubernetes.io/role/internal-elb` (subnet discovery of the AWS Load Balancer
 * Controller, whose tags EKS Auto Mode's load balancing reads too:
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/v2.10/deploy/subnet_discovery/);
 * the subnets of the cluster's VPC so tagged, or with none tagged, its public
 * (or private) subnets as aws-cdk-lib marks them (`aws-cdk:subnet-type`). With
 * IP targets and client IP preservation off (the default for TCP and TLS target
 * groups, same NLB page), the NLB connects from its own addresses there.
 */
export function ProxyProtocolTrustedOnlyFromLoadBalancerSubnets(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== HELM_CHART) return NagRuleCompliance.NOT_APPLICABLE;
  const template = StackTemplate.of(node);
  const release = template.resource(node);
  // Traefik's chart by name, from its repository or an OCI registry (oci://.../traefik).
  if (!/(^|\/)traefik$/.test(String(release.properties.Chart ?? ''))) return NagRuleCompliance.NOT_APPLICABLE;

  let values: Record<string, any>;
  try {
    const text = textOf(release.properties.Values ?? '{}');
    values = JSON.parse(text);
  } catch {
    return ['ValuesUnreadable'];
  }
  const annotations: Record<string, unknown> = isObject(values.service?.annotations) ? values.service.annotations : {};
  const scheme = annotations[`${ANNOTATION}scheme`] === 'internet-facing' ? 'internet-facing' : 'internal';
  const expected = loadBalancerSubnetCidrs(template, release, scheme);

  const findings: string[] = [];
  const ports: Record<string, any> = isObject(values.ports) ? values.ports : {};
  const sendsProxyProtocol = annotations[`${ANNOTATION}proxy-protocol`] === '*';
  for (const [name, port] of Object.entries(ports)) {
    if (!isObject(port)) continue;
    const exposed = isObject(port.expose) ? port.expose.default === true : port.expose === true;
    for (const setting of ['proxyProtocol', 'forwardedHeaders'] as const) {
      const trust = port[setting];
      if (!isObject(trust)) {
        if (setting === 'proxyProtocol' && sendsProxyProtocol && exposed) findings.push(`ProxyProtocolNotAccepted::${name}`);
        continue;
      }
      if (trust.insecure === true) findings.push(`TrustsEveryone::${name}.${setting}`);
      if (trust.trustedIPs === undefined) continue;
      if (expected === undefined) {
        findings.push(`LoadBalancerSubnetsUnknown::${name}.${setting}`);
        continue;
      }
      const trusted = new Set((Array.isArray(trust.trustedIPs) ? trust.trustedIPs : [trust.trustedIPs]).map((entry: unknown) => cidrOf(template, entry)));
      for (const cidr of trusted) if (!expected.has(cidr)) findings.push(`TrustsBeyondLoadBalancer::${name}.${setting}::${cidr}`);
      for (const cidr of expected) if (!trusted.has(cidr)) findings.push(`LoadBalancerSubnetNotTrusted::${name}.${setting}::${cidr}`);
    }
  }
  // Entrypoint settings given as CLI arguments bypass the ports values this rule reads.
  const args = Array.isArray(values.additionalArguments) ? values.additionalArguments.map(String) : [];
  for (const arg of args) if (/^--entrypoints\.[^.]+\.(proxyprotocol|forwardedheaders)\./i.test(arg)) findings.push(`TrustSetInAdditionalArguments::${arg.split('=')[0]}`);
  return findings.length > 0 ? findings : NagRuleCompliance.COMPLIANT;
}

/**
 * A trustedIPs entry as a CIDR: a literal, or a subnet's or VPC's CidrBlock
 * (through Fn::GetAtt) resolved to its literal when the template has one.
 */
function cidrOf(template: StackTemplate, entry: unknown): string {
  const text = textOf(entry);
  const reference = placeholderReference(text);
  if (!reference || reference.attribute !== 'CidrBlock') return text;
  const target = template.get(reference.logicalId);
  return typeof target?.properties.CidrBlock === 'string' ? target.properties.CidrBlock : text;
}

/** The CIDRs (or `${Subnet.CidrBlock}` placeholders) of the subnets the release's load balancer goes into. */
function loadBalancerSubnetCidrs(template: StackTemplate, release: RenderedResource, scheme: 'internet-facing' | 'internal'): Set<string> | undefined {
  const vpc = clusterVpc(template, release);
  if (vpc === undefined) return undefined;
  const subnets = template.ofType('AWS::EC2::Subnet').filter((subnet) => referenceOf(subnet.properties.VpcId)?.logicalId === vpc);
  const roleTag = scheme === 'internet-facing' ? 'kubernetes.io/role/elb' : 'kubernetes.io/role/internal-elb';
  const tagged = subnets.filter((subnet) => ['1', ''].includes(String(tagValue(subnet, roleTag))));
  const chosen = tagged.length > 0 ? tagged : subnets.filter((subnet) => tagValue(subnet, 'aws-cdk:subnet-type') === (scheme === 'internet-facing' ? 'Public' : 'Private'));
  if (chosen.length === 0) return undefined;
  return new Set(chosen.map((subnet) => (typeof subnet.properties.CidrBlock === 'string' ? subnet.properties.CidrBlock : `\${${subnet.logicalId}.CidrBlock}`)));
}

/** The logical id of the VPC of the release's cluster (ClusterName → AWS::EKS::Cluster → its subnets' VPC). */
function clusterVpc(template: StackTemplate, release: RenderedResource): string | undefined {
  const cluster = template.referenced(release.properties.ClusterName);
  if (cluster?.type !== 'AWS::EKS::Cluster') return undefined;
  const subnetIds: unknown[] = cluster.properties.ResourcesVpcConfig?.SubnetIds ?? [];
  for (const subnetId of subnetIds) {
    const subnet = template.referenced(subnetId);
    const vpc = subnet?.type === 'AWS::EC2::Subnet' ? referenceOf(subnet.properties.VpcId)?.logicalId : undefined;
    if (vpc !== undefined) return vpc;
  }
  return undefined;
}
