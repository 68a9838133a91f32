/**
 * The Kubernetes objects a template gives the cluster, read from the kubectl
 * provider's custom resources: `Manifest` (a JSON array) of
 * Custom::AWSCDK-EKS-KubernetesResource and `Values` (a JSON object) of
 * Custom::AWSCDK-EKS-HelmChart, both strings or Fn::Joins of strings and
 * intrinsics. Intrinsics become `{{Ref:Id}}` placeholders (lib/posture/naming.ts).
 * The shapes below are the parts of each kind the posture reads:
 * https://kubernetes.io/docs/reference/kubernetes-api/
 */
import { templateText } from '../../naming';
import type { TemplateView } from '../../template';

export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
export const HELM_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-HelmChart';

/**
 * A Kubernetes object as applied through the kubectl provider, with its CloudFormation resource.
 * The object is the manifest's JSON as written, for callers that validate it against the schemas.
 */
export interface KubernetesObject {
  readonly resource: string;
  // `any` at the JSON boundary: the manifest as written, of any kind (typed reads go through Manifests).
  readonly object: Record<string, any>;
}

/** Every Kubernetes object the template applies with the kubectl provider, in template order. */
export function kubernetesObjects(view: TemplateView): KubernetesObject[] {
  return view
    .ofType(MANIFEST_RESOURCE_TYPE)
    .flatMap(([id, resource]) => (JSON.parse(templateText(resource.Properties?.Manifest)) as Array<Record<string, unknown>>).map((object) => ({ resource: id, object })));
}

export type Labels = Readonly<Record<string, string>>;

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Labels;
  readonly annotations?: Labels;
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly unknown[];
}

export interface Probe {
  readonly httpGet?: { readonly path?: string; readonly port?: number | string };
  readonly tcpSocket?: { readonly port?: number | string };
  readonly periodSeconds?: number;
  readonly failureThreshold?: number;
}

export interface SecurityContext {
  readonly runAsNonRoot?: boolean;
  readonly runAsUser?: number;
  readonly readOnlyRootFilesystem?: boolean;
  readonly allowPrivilegeEscalation?: boolean;
  readonly privileged?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly seccompProfile?: { readonly type?: string };
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

export interface Container {
  readonly name: string;
  readonly env?: readonly EnvVar[];
  readonly volumeMounts?: ReadonlyArray<{ readonly name: string; readonly mountPath: string; readonly subPath?: string; readonly readOnly?: boolean }>;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly resources?: { readonly requests?: { readonly cpu?: string; readonly memory?: string }; readonly limits?: { readonly cpu?: string; readonly memory?: string } };
  readonly securityContext?: SecurityContext;
}

export interface SecretVolume {
  readonly secretName: string;
  readonly items?: ReadonlyArray<{ readonly key: string; readonly path: string; readonly mode?: number }>;
  readonly defaultMode?: number;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly volumes?: ReadonlyArray<{ readonly name: string; readonly secret?: SecretVolume }>;
  readonly securityContext?: SecurityContext;
  readonly serviceAccountName?: string;
  readonly automountServiceAccountToken?: boolean;
  readonly topologySpreadConstraints?: ReadonlyArray<{ readonly topologyKey: string; readonly maxSkew: number; readonly whenUnsatisfiable: string }>;
}

export interface NetworkPolicyPeer {
  readonly ipBlock?: { readonly cidr: string };
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector?: LabelSelector;
}

export interface NetworkPolicyPort {
  readonly protocol?: string;
  readonly port?: number | string;
}

/** The spec of each kind read, by kind. */
export interface SpecByKind {
  Namespace: undefined;
  ConfigMap: undefined;
  Deployment: {
    readonly replicas?: number;
    readonly strategy?: { readonly type?: string; readonly rollingUpdate?: { readonly maxUnavailable?: number | string; readonly maxSurge?: number | string } };
    readonly template: { readonly metadata?: { readonly labels?: Labels }; readonly spec: PodSpec };
  };
  HorizontalPodAutoscaler: {
    readonly scaleTargetRef?: { readonly name?: string };
    readonly minReplicas?: number;
    readonly maxReplicas?: number;
    readonly metrics?: ReadonlyArray<{ readonly resource?: { readonly name?: string; readonly target?: { readonly averageUtilization?: number } } }>;
  };
  PodDisruptionBudget: { readonly selector?: LabelSelector; readonly maxUnavailable?: number | string; readonly minAvailable?: number | string };
  NetworkPolicy: {
    readonly podSelector?: LabelSelector;
    readonly policyTypes?: readonly string[];
    readonly ingress?: ReadonlyArray<{ readonly from?: readonly NetworkPolicyPeer[]; readonly ports?: readonly NetworkPolicyPort[] }>;
    readonly egress?: ReadonlyArray<{ readonly to?: readonly NetworkPolicyPeer[]; readonly ports?: readonly NetworkPolicyPort[] }>;
  };
  PeerAuthentication: { readonly selector?: LabelSelector; readonly mtls?: { readonly mode?: string } };
  NodeClass: { readonly ephemeralStorage?: { readonly size?: string; readonly kmsKeyID?: string }; readonly networkPolicy?: string };
  NodePool: {
    readonly template?: { readonly spec?: { readonly requirements?: ReadonlyArray<{ readonly key: string; readonly values: readonly string[] }>; readonly expireAfter?: string } };
    readonly limits?: { readonly cpu?: number | string };
  };
  Middleware: {
    readonly rateLimit?: { readonly average: number; readonly period: string; readonly burst: number; readonly sourceCriterion?: SourceCriterion };
    readonly inFlightReq?: { readonly amount: number; readonly sourceCriterion?: SourceCriterion };
  };
  Ingress: {
    readonly rules?: ReadonlyArray<{
      readonly host?: string;
      readonly http?: { readonly paths?: ReadonlyArray<{ readonly path?: string; readonly pathType?: string; readonly backend?: { readonly service?: { readonly name?: string; readonly port?: { readonly number?: number } } } }> };
    }>;
  };
  ExternalSecret: {
    readonly target?: { readonly name?: string; readonly template?: { readonly data?: Labels } };
    readonly data?: ReadonlyArray<{ readonly secretKey: string; readonly remoteRef?: { readonly key?: string; readonly property?: string } }>;
    readonly secretStoreRef?: { readonly name?: string };
    readonly refreshInterval?: string;
  };
  SecretStore: SecretStoreSpec;
  ClusterSecretStore: SecretStoreSpec;
}

export interface SourceCriterion {
  readonly ipStrategy?: { readonly depth?: number };
  readonly requestHeaderName?: string;
}

export interface SecretStoreSpec {
  readonly provider?: Readonly<Record<string, unknown>> & {
    readonly aws?: { readonly service?: string; readonly region?: string; readonly auth?: unknown; readonly role?: string };
  };
}

export type Kind = keyof SpecByKind;

/** A Kubernetes object of one kind, with the parts the posture reads typed. */
export interface Manifest<K extends Kind = Kind> {
  readonly kind: K;
  readonly metadata: ObjectMeta;
  readonly spec: SpecByKind[K];
  readonly data?: Labels;
}

/** The objects the template applies, typed by kind. */
export class Manifests {
  constructor(private readonly objects: ReadonlyArray<Record<string, unknown>>) {}

  static of(view: TemplateView): Manifests {
    return new Manifests(kubernetesObjects(view).map((o) => o.object));
  }

  /** Objects of one kind, in template order; the manifest JSON is cast to the shape of its kind. */
  ofKind<K extends Kind>(kind: K): Array<Manifest<K>> {
    return this.objects.filter((o) => o.kind === kind) as unknown as Array<Manifest<K>>;
  }

  /** Objects of one kind in one namespace. */
  inNamespace<K extends Kind>(kind: K, namespace: string): Array<Manifest<K>> {
    return this.ofKind(kind).filter((o) => o.metadata.namespace === namespace);
  }
}

/** A selector that selects everything: no labels, no expressions. */
export function isEmptySelector(selector: LabelSelector | undefined): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

/** Whether a selector's matchLabels all hold on these labels. */
export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  return Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

/** Helm values as JSON, intrinsics as placeholders. */
export function helmValues(values: unknown): Record<string, unknown> {
  return JSON.parse(templateText(values ?? '{}')) as Record<string, unknown>;
}
