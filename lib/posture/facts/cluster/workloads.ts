/**
 * Per Deployment: replicas and autoscaling, zone spread, rollout, probes,
 * resources, security contexts, disruption budget, AWS identity, secrets, the
 * NetworkPolicies that select its pods and the namespace's mTLS mode.
 */
import { describeValue, keyOf, referencedId, referencedIds, stripHash } from '../../naming';
import type { TemplateView } from '../../template';
import { selects, type Container, type Manifest, type Manifests, type Probe, type SecurityContext } from './manifests';
import { networkPolicyFacts } from './network-policies';
import { encryptionContextText } from '../encryption/context-conditions';
import { conditionsOf, iamStatements } from './iam-statements';
import { secretSettings } from './secret-provenance';
import type { ContainerFacts, PodIdentityFacts, ProbeFacts, SecurityContextFacts, WorkloadFacts } from './types';

export function workloadFacts(view: TemplateView, manifests: Manifests): WorkloadFacts[] {
  return manifests.ofKind('Deployment').map((deployment) => workload(view, manifests, deployment));
}

function workload(view: TemplateView, manifests: Manifests, deployment: Manifest<'Deployment'>): WorkloadFacts {
  const namespace = deployment.metadata.namespace ?? 'default';
  const name = deployment.metadata.name;
  const pod = deployment.spec.template.spec;
  const podLabels = deployment.spec.template.metadata?.labels ?? {};
  const hpa = manifests.inNamespace('HorizontalPodAutoscaler', namespace).find((o) => o.spec?.scaleTargetRef?.name === name);
  const pdb = manifests.inNamespace('PodDisruptionBudget', namespace).find((o) => selects(o.spec?.selector, podLabels));
  const peerAuthentication = manifests.inNamespace('PeerAuthentication', namespace).find((o) => !o.spec?.selector);
  return {
    namespace,
    name,
    replicas: deployment.spec.replicas ?? 1,
    autoscaler: hpa && {
      minReplicas: hpa.spec.minReplicas,
      maxReplicas: hpa.spec.maxReplicas,
      cpuTarget: hpa.spec.metrics?.find((m) => m.resource?.name === 'cpu')?.resource?.target?.averageUtilization,
    },
    zoneSpread: (pod.topologySpreadConstraints ?? []).filter((c) => c.topologyKey === 'topology.kubernetes.io/zone').map(({ maxSkew, whenUnsatisfiable }) => ({ maxSkew, whenUnsatisfiable })),
    strategy: { type: deployment.spec.strategy?.type, rollingUpdate: deployment.spec.strategy?.rollingUpdate },
    containers: pod.containers.map(containerFacts),
    podSecurityContext: securityContextFacts(pod.securityContext),
    serviceAccountTokenMounted: pod.automountServiceAccountToken !== false,
    disruptionBudget: pdb && { maxUnavailable: pdb.spec.maxUnavailable, minAvailable: pdb.spec.minAvailable },
    podIdentity: podIdentity(view, namespace, pod.serviceAccountName),
    secrets: pod.containers.flatMap((container) => secretSettings(view, manifests, namespace, pod, container)),
    networkPolicies: manifests
      .inNamespace('NetworkPolicy', namespace)
      .map(networkPolicyFacts)
      .filter((policy) => policy.selectsAllPods || selects({ matchLabels: policy.podSelector }, podLabels)),
    namespaceMtls: peerAuthentication ? (peerAuthentication.spec?.mtls?.mode ?? 'UNSET') : undefined,
  };
}

function containerFacts(container: Container): ContainerFacts {
  return {
    name: container.name,
    probes: { readiness: probeFacts(container.readinessProbe), liveness: probeFacts(container.livenessProbe), startup: probeFacts(container.startupProbe) },
    resources: {
      cpuRequest: container.resources?.requests?.cpu,
      cpuLimit: container.resources?.limits?.cpu,
      memoryRequest: container.resources?.requests?.memory,
      memoryLimit: container.resources?.limits?.memory,
    },
    securityContext: securityContextFacts(container.securityContext),
    settings: Object.fromEntries((container.env ?? []).flatMap((env) => (typeof env.value === 'string' ? [[env.name, env.value]] : []))),
  };
}

function probeFacts(probe: Probe | undefined): ProbeFacts | undefined {
  if (!probe) return undefined;
  const check: ProbeFacts['check'] = probe.httpGet
    ? { kind: 'http', path: probe.httpGet.path, port: probe.httpGet.port }
    : probe.tcpSocket
      ? { kind: 'tcp', port: probe.tcpSocket.port }
      : { kind: 'exec' };
  return { check, periodSeconds: probe.periodSeconds ?? 10, failureThreshold: probe.failureThreshold ?? 3 };
}

function securityContextFacts(sc: SecurityContext | undefined): SecurityContextFacts | undefined {
  if (!sc) return undefined;
  return {
    runAsNonRoot: sc.runAsNonRoot,
    runAsUser: sc.runAsUser,
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
    allowPrivilegeEscalation: sc.allowPrivilegeEscalation,
    privileged: sc.privileged,
    drop: sc.capabilities?.drop,
    add: sc.capabilities?.add,
    seccompProfile: sc.seccompProfile?.type,
  };
}

/** The EKS Pod Identity association of a service account: its role, the keys that name the role, its IAM actions. */
function podIdentity(view: TemplateView, namespace: string, serviceAccount: string | undefined): PodIdentityFacts | undefined {
  const association = view.ofType('AWS::EKS::PodIdentityAssociation').find(([, a]) => a.Properties?.Namespace === namespace && a.Properties?.ServiceAccount === serviceAccount)?.[1];
  if (!association || serviceAccount === undefined) return undefined;
  const roleId = referencedId(association.Properties?.RoleArn);
  const keysNamingRole = view
    .ofType('AWS::KMS::Key')
    .filter(([, key]) => roleId !== undefined && (key.Properties?.KeyPolicy?.Statement ?? []).some((s) => s.Effect === 'Allow' && s.Principal !== '*' && referencedIds(s.Principal).has(roleId)))
    .map(([id]) => keyOf(view, { Ref: id }));
  const iamPermissions = view
    .ofType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties?.Roles ?? []).some((r) => referencedId(r) === roleId))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument?.Statement ?? []).map((s) => permissionText(view, s)));
  return { serviceAccount, role: stripHash(roleId ?? 'unknown'), keysNamingRole, iamPermissions, statements: iamStatements(view, roleId) };
}

/** One policy statement as `<effect?><actions> on <resources>[ via <service>][ <other conditions>]`. */
function permissionText(view: TemplateView, statement: { Effect?: string; Action?: unknown; Resource?: unknown; Condition?: Record<string, Record<string, unknown>> }): string {
  const actions = [statement.Action ?? []].flat().join(', ');
  const resources = [statement.Resource ?? []].flat().map((resource) => describeValue(view, resource as never)).join(', ');
  const via = Object.values(statement.Condition ?? {}).map((test) => test['kms:ViaService']).find((value) => value !== undefined);
  const effect = statement.Effect === 'Deny' ? 'DENY ' : '';
  const others = conditionsOf(statement.Condition).filter((c) => c.key !== 'kms:ViaService');
  const conditions = others.length ? ` ${encryptionContextText(others)}` : '';
  return `${effect}${actions} on ${resources || 'nothing'}${via === undefined ? '' : ` via ${describeValue(view, via as never)}`}${conditions}`;
}

