/**
 * What holds on to a VPC: resources with network interfaces (or a security
 * group) in its subnets, and custom resources whose provider Lambda runs in it.
 * CloudFormation cannot delete a subnet, security group or VPC while a network
 * interface uses it ("DependencyViolation"): a retained one of these leaves the
 * stack's own VPC undeletable.
 */
import { isObject, referenceOf, type RenderedResource, type StackTemplate } from '../../template/stack-template';

/** Each type that attaches to a VPC, and when (its properties). */
const ATTACHED: Readonly<Record<string, (properties: Record<string, any>) => boolean>> = {
  // A function with VpcConfig keeps Hyperplane ENIs in its subnets.
  'AWS::Lambda::Function': (p) => Array.isArray(p.VpcConfig?.SubnetIds) && p.VpcConfig.SubnetIds.length > 0,
  'AWS::EC2::SecurityGroup': () => true,
  'AWS::EC2::NetworkInterface': () => true,
  'AWS::EC2::Instance': () => true,
  'AWS::EC2::NatGateway': () => true,
  'AWS::EC2::VPCEndpoint': (p) => p.VpcEndpointType === 'Interface' || p.VpcEndpointType === 'GatewayLoadBalancer',
  'AWS::EKS::Cluster': () => true,
  'AWS::EKS::Nodegroup': () => true,
  'AWS::AmazonMQ::Broker': () => true,
  'AWS::RDS::DBInstance': () => true,
  'AWS::DocDB::DBInstance': () => true,
  'AWS::EFS::MountTarget': () => true,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': () => true,
};

/**
 * Why a resource holds on to a VPC, or undefined. A custom resource is attached
 * when the Lambda behind its ServiceToken runs in a VPC, directly or behind an
 * aws-cdk-lib provider framework (whose onEvent function names the user
 * handler in USER_ON_EVENT_FUNCTION_ARN): its delete handler is what removes
 * what it made in that VPC (for the EKS kubectl provider: Helm releases and
 * manifests, whose LoadBalancer Services own load balancers in the subnets).
 */
export function vpcAttachment(template: StackTemplate, resource: RenderedResource): string | undefined {
  const attached = ATTACHED[resource.type];
  if (attached) return attached(resource.properties) ? resource.type : undefined;
  if (!resource.type.startsWith('Custom::') && resource.type !== 'AWS::CloudFormation::CustomResource') return undefined;
  const provider = template.referenced(resource.properties.ServiceToken);
  const inVpc = provider && lambdasBehind(template, provider).find((fn) => ATTACHED['AWS::Lambda::Function'](fn.properties));
  return inVpc ? `ProviderInVpc::${inVpc.logicalId}` : undefined;
}

/** A Lambda function and the functions it invokes as a provider framework. */
function lambdasBehind(template: StackTemplate, fn: RenderedResource): RenderedResource[] {
  if (fn.type !== 'AWS::Lambda::Function') return [];
  const variables = fn.properties.Environment?.Variables;
  const user = isObject(variables) ? template.get(referenceOf(variables.USER_ON_EVENT_FUNCTION_ARN)?.logicalId) : undefined;
  return user && user !== fn ? [fn, user] : [fn];
}
