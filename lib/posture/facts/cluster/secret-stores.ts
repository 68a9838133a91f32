/**
 * Secret stores of the External Secrets Operator: which AWS identity reads the
 * secrets and what its IAM policies allow. A store with neither `auth` nor `role`
 * uses the operator's own credentials: here, its EKS Pod Identity role.
 * https://external-secrets.io/latest/provider/aws-secrets-manager/
 */
import { referencedId, stripHash } from '../../naming';
import type { TemplateView } from '../../template';
import { iamStatements } from './iam-statements';
import type { Manifests } from './manifests';
import type { SecretStoreFacts } from './types';

/** The operator's namespace and service account, as its Helm chart installs it. */
const OPERATOR = { namespace: 'external-secrets', serviceAccount: 'external-secrets' };

export function secretStoreFacts(view: TemplateView, manifests: Manifests): SecretStoreFacts[] {
  return [...manifests.ofKind('SecretStore'), ...manifests.ofKind('ClusterSecretStore')].map((store): SecretStoreFacts => {
    const base = { kind: store.kind, namespace: store.metadata.namespace, name: store.metadata.name };
    const aws = store.spec?.provider?.aws;
    if (!aws) return { ...base, provider: { kind: 'other', providers: Object.keys(store.spec?.provider ?? {}) } };
    const provider = { kind: 'aws' as const, service: aws.service, region: aws.region };
    if (aws.role) return { ...base, provider: { ...provider, auth: { kind: 'role', role: aws.role } } };
    if (aws.auth) return { ...base, provider: { ...provider, auth: { kind: 'explicit-credentials' } } };
    const roles = view
      .ofType('AWS::EKS::PodIdentityAssociation')
      .filter(([, a]) => a.Properties?.Namespace === OPERATOR.namespace && a.Properties?.ServiceAccount === OPERATOR.serviceAccount)
      .map(([, a]) => referencedId(a.Properties?.RoleArn))
      .map((roleId) => ({ role: stripHash(roleId ?? 'unknown'), statements: iamStatements(view, roleId) }));
    return { ...base, provider: { ...provider, auth: { kind: 'operator-pod-identity', roles } } };
  });
}
