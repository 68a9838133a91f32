/** What could have a public address: instances, load balancers, EKS API endpoints; and how instances serve metadata. */
import { referencedId, stripHash } from '../../naming';
import type { CfnMetadataOptions } from '../../template/properties';
import type { TemplateView } from '../../template';
import type { ApiEndpointFacts, InstanceMetadataFacts, LoadBalancerFacts, PublicAddress, PublicHostFacts } from './types';
import { securityGroupName } from './security-groups';

/** Instances with a public address: an Elastic IP, a public IP on launch, or a subnet that assigns one. */
export function publicHostFacts(view: TemplateView): PublicHostFacts[] {
  const elasticIps = new Map<string, string>();
  for (const [id, eip] of view.ofType('AWS::EC2::EIP')) {
    const instance = referencedId(eip.Properties?.InstanceId);
    if (instance) elasticIps.set(instance, stripHash(id));
  }
  for (const [, association] of view.ofType('AWS::EC2::EIPAssociation')) {
    const instance = referencedId(association.Properties?.InstanceId);
    const eip = referencedId(association.Properties?.AllocationId ?? association.Properties?.EIP);
    if (instance) elasticIps.set(instance, eip ? stripHash(eip) : 'an Elastic IP');
  }
  const publicSubnets = new Set(view.ofType('AWS::EC2::Subnet').filter(([, s]) => s.Properties?.MapPublicIpOnLaunch === true).map(([id]) => id));
  const hosts: PublicHostFacts[] = [];
  for (const [id, instance] of view.ofType('AWS::EC2::Instance')) {
    const interfaces = instance.Properties?.NetworkInterfaces ?? [];
    const elasticIp = elasticIps.get(id);
    const via: PublicAddress | undefined =
      elasticIp !== undefined
        ? { kind: 'elastic-ip', elasticIp }
        : interfaces.some((i) => i.AssociatePublicIpAddress === true)
          ? { kind: 'public-ip-on-launch' }
          : publicSubnets.has(referencedId(instance.Properties?.SubnetId) ?? '')
            ? { kind: 'subnet-public-ip-on-launch' }
            : undefined;
    if (!via) continue;
    const groups = [...(instance.Properties?.SecurityGroupIds ?? []), ...interfaces.flatMap((i) => i.GroupSet ?? [])];
    hosts.push({ name: stripHash(id), via, securityGroups: groups.map((group) => securityGroupName(view, group)) });
  }
  return hosts;
}

export function loadBalancerFacts(view: TemplateView): LoadBalancerFacts[] {
  return view.ofType('AWS::ElasticLoadBalancingV2::LoadBalancer').map(([id, lb]) => ({
    name: stripHash(id),
    // CloudFormation's default scheme is internet-facing, and its default type application.
    scheme: lb.Properties?.Scheme ?? 'internet-facing',
    type: lb.Properties?.Type ?? 'application',
  }));
}

/**
 * EKS API endpoints. EKS makes the endpoint public, from 0.0.0.0/0, unless told
 * otherwise: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
 */
export function apiEndpointFacts(view: TemplateView): ApiEndpointFacts[] {
  return view.ofType('AWS::EKS::Cluster').map(([id, cluster]) => {
    const config = cluster.Properties?.ResourcesVpcConfig ?? {};
    const publicAccess = config.EndpointPublicAccess !== false;
    return { cluster: stripHash(id), publicAccess, publicCidrs: publicAccess ? (config.PublicAccessCidrs ?? ['0.0.0.0/0']) : [] };
  });
}

/** Every launch template and instance: whether the instance metadata service requires IMDSv2 session tokens. */
export function instanceMetadataFacts(view: TemplateView): InstanceMetadataFacts[] {
  const required = (options: CfnMetadataOptions | undefined) => options?.HttpTokens === 'required';
  const templates = new Map(view.ofType('AWS::EC2::LaunchTemplate'));
  const facts: InstanceMetadataFacts[] = [...templates].map(([id, t]) => ({
    name: stripHash(id),
    kind: 'launch-template',
    imdsv2Required: required(t.Properties?.LaunchTemplateData?.MetadataOptions),
  }));
  for (const [id, instance] of view.ofType('AWS::EC2::Instance')) {
    const viaTemplate = templates.get(referencedId(instance.Properties?.LaunchTemplate?.LaunchTemplateId) ?? '');
    const options = instance.Properties?.MetadataOptions ?? viaTemplate?.Properties?.LaunchTemplateData?.MetadataOptions;
    facts.push({ name: stripHash(id), kind: 'instance', imdsv2Required: required(options) });
  }
  return facts;
}
