/**
 * The EKS control plane: endpoint exposure and who reaches it, authentication,
 * envelope encryption, control-plane logs, access entries and add-ons. EKS's
 * defaults, where a property is left out: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-eks-cluster.html
 */
import { keyOf, referencedId, stripHash, templateText } from '../../naming';
import type { CfnValue, TemplateView, TypedResource } from '../../template';
import { ingressRuleFacts, securityGroupName } from '../network/security-groups';
import { HELM_RESOURCE_TYPE } from './manifests';
import type { AccessEntryFacts, AccessPrincipal, ApiAccessFacts, ControlPlaneFacts } from './types';

/** An IAM role ARN, with the account it is in. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\//;

/**
 * A name as text: a literal as is; a name built with the stack-creation suffix
 * (lib/config/naming.ts: a selection from `AWS::StackId`) with `<stack id>` in
 * its place, so `acme-high-<stack id>` reads as what it is.
 */
export function nameText(value: CfnValue): string {
  if (typeof value === 'string') return value;
  const join = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return (join[1] as CfnValue[]).map(nameText).join(join[0]);
  if (JSON.stringify(value).includes('"AWS::StackId"')) return '<stack id>';
  return templateText(value);
}

export function controlPlaneFacts(view: TemplateView, clusterId: string, cluster: TypedResource<'AWS::EKS::Cluster'>): ControlPlaneFacts {
  const p = cluster.Properties ?? {};
  const vpc = p.ResourcesVpcConfig ?? {};
  const publicAccess = vpc.EndpointPublicAccess !== false;
  const name = p.Name === undefined ? stripHash(clusterId) : nameText(p.Name);
  const logGroupName = `/aws/eks/${name}/cluster`;
  const logGroup = view.ofType('AWS::Logs::LogGroup').find(([, r]) => r.Properties?.LogGroupName !== undefined && nameText(r.Properties.LogGroupName) === logGroupName)?.[1];
  return {
    logicalId: clusterId,
    name,
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
    accessEntries: view.ofType('AWS::EKS::AccessEntry').map(([, r]) => accessEntryFacts(view, r)),
    apiAccess: apiAccessFacts(view, vpc.SecurityGroupIds ?? []),
    addons: view.ofType('AWS::EKS::Addon').map(([, r]) => ({ name: String(r.Properties?.AddonName), version: r.Properties?.AddonVersion })),
    helmReleases: view.ofType(HELM_RESOURCE_TYPE).map(([, r]) => ({
      release: String(r.Properties?.Release),
      chart: String(r.Properties?.Chart),
      version: r.Properties?.Version,
      repository: String(r.Properties?.Repository),
    })),
  };
}

function accessEntryFacts(view: TemplateView, entry: TypedResource<'AWS::EKS::AccessEntry'>): AccessEntryFacts {
  const account = entry.Condition === undefined ? undefined : accountOfCondition(view.template.Conditions?.[entry.Condition]);
  return {
    principal: principalOf(view, entry.Properties?.PrincipalArn),
    ...(account ? { onlyInAccount: account } : entry.Condition !== undefined ? { otherCondition: entry.Condition } : {}),
    type: entry.Properties?.Type,
    policies: (entry.Properties?.AccessPolicies ?? []).map((a) => ({ policy: templateText(a.PolicyArn).split('/').pop() ?? '', scope: a.AccessScope?.Type })),
  };
}

function principalOf(view: TemplateView, arn: CfnValue): AccessPrincipal {
  if (typeof arn === 'string') {
    const account = ROLE_ARN.exec(arn)?.[1];
    return account ? { kind: 'role-arn', arn, account } : { kind: 'other', text: arn };
  }
  const id = referencedId(arn);
  const role = view.getOfType(id, 'AWS::IAM::Role');
  if (!id || !role) return { kind: 'other', text: templateText(arn) };
  const assumableBy = (role.Properties?.AssumeRolePolicyDocument?.Statement ?? [])
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => {
      if (s.Principal === '*') return ['*'];
      const services = [s.Principal?.Service ?? []].flat().map((service) => `service:${templateText(service)}`);
      const accounts = [s.Principal?.AWS ?? []].flat().map((principal) => templateText(principal));
      return [...services, ...accounts];
    });
  return { kind: 'stack-role', role: stripHash(id), assumableBy };
}

/** The account of a condition `Fn::Equals [AWS::AccountId, <account>]` (either order), else undefined. */
function accountOfCondition(condition: unknown): string | undefined {
  const equals = (condition as { 'Fn::Equals'?: unknown } | undefined)?.['Fn::Equals'];
  if (!Array.isArray(equals) || equals.length !== 2) return undefined;
  const isAccountId = (v: unknown) => (v as { Ref?: unknown } | null)?.Ref === 'AWS::AccountId';
  const [a, b] = equals;
  const account = isAccountId(a) ? b : isAccountId(b) ? a : undefined;
  return typeof account === 'string' ? account : undefined;
}

/** Every ingress rule of the control plane's security groups (those of the stack): the API listens on 443, so anything else they admit is a finding. */
function apiAccessFacts(view: TemplateView, securityGroupIds: readonly CfnValue[]): ApiAccessFacts[] {
  const groups = new Set(securityGroupIds.filter((g) => view.getOfType(referencedId(g), 'AWS::EC2::SecurityGroup')).map((g) => securityGroupName(view, g)));
  return ingressRuleFacts(view)
    .filter((rule) => groups.has(rule.securityGroup))
    .map(({ securityGroup, protocol, ports, source }) => ({ securityGroup, protocol, ports, source }));
}
