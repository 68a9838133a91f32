/**
 * The EKS control plane: endpoint exposure, authentication, envelope encryption,
 * control-plane logs, access entries and add-ons. EKS's defaults, where a
 * property is left out: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-eks-cluster.html
 */
import { keyOf, referencedId, stripHash, templateText } from '../../naming';
import type { TemplateView, TypedResource } from '../../template';
import { HELM_RESOURCE_TYPE } from './manifests';
import type { ControlPlaneFacts } from './types';

export function controlPlaneFacts(view: TemplateView, clusterId: string, cluster: TypedResource<'AWS::EKS::Cluster'>): ControlPlaneFacts {
  const p = cluster.Properties ?? {};
  const vpc = p.ResourcesVpcConfig ?? {};
  const publicAccess = vpc.EndpointPublicAccess !== false;
  const logGroupName = `/aws/eks/${p.Name}/cluster`;
  const logGroup = view.ofType('AWS::Logs::LogGroup').find(([, r]) => r.Properties?.LogGroupName === logGroupName)?.[1];
  return {
    logicalId: clusterId,
    name: p.Name ?? clusterId,
    kubernetesVersion: p.Version,
    endpoint: { publicAccess, privateAccess: vpc.EndpointPrivateAccess === true, publicCidrs: publicAccess ? (vpc.PublicAccessCidrs ?? ['0.0.0.0/0']) : [] },
    authenticationMode: p.AccessConfig?.AuthenticationMode ?? 'CONFIG_MAP',
    creatorIsAdmin: p.AccessConfig?.BootstrapClusterCreatorAdminPermissions !== false,
    envelopeEncryption: (p.EncryptionConfig ?? []).map((c) => ({ resources: c.Resources ?? [], key: keyOf(view, c.Provider?.KeyArn) })),
    logTypes: (p.Logging?.ClusterLogging?.EnabledTypes ?? []).map((t) => t.Type),
    logGroup: logGroup && {
      name: logGroupName,
      key: logGroup.Properties?.KmsKeyId === undefined ? undefined : keyOf(view, logGroup.Properties.KmsKeyId),
      retentionDays: logGroup.Properties?.RetentionInDays,
    },
    accessEntries: view.ofType('AWS::EKS::AccessEntry').map(([, r]) => ({
      role: stripHash(referencedId(r.Properties?.PrincipalArn) ?? 'unknown'),
      type: r.Properties?.Type,
      policies: (r.Properties?.AccessPolicies ?? []).map((a) => ({ policy: templateText(a.PolicyArn).split('/').pop() ?? '', scope: a.AccessScope?.Type })),
    })),
    addons: view.ofType('AWS::EKS::Addon').map(([, r]) => ({ name: String(r.Properties?.AddonName), version: r.Properties?.AddonVersion })),
    helmReleases: view.ofType(HELM_RESOURCE_TYPE).map(([, r]) => ({
      release: String(r.Properties?.Release),
      chart: String(r.Properties?.Chart),
      version: r.Properties?.Version,
      repository: String(r.Properties?.Repository),
    })),
  };
}
