/**
 * The EKS cluster and what runs in it: endpoint exposure, the secrets key,
 * control-plane logs, access, compute, add-ons, and per workload its security
 * context, probes, disruption budget, autoscaling bounds, network policies,
 * mesh mTLS mode and ingress limits, and where each secret environment
 * variable or mounted secret file comes from (External Secrets Operator
 * stores and ExternalSecrets).
 *
 * Kubernetes objects are read from the kubectl provider's custom resources
 * (Custom::AWSCDK-EKS-KubernetesResource `Manifest`, a JSON string) and Helm
 * values (Custom::AWSCDK-EKS-HelmChart `Values`), so the model states what the
 * cluster will be given, not what the code meant to give it.
 */
import type { CfnResource, PostureInput, TemplateView } from '../template';

export const MANIFEST_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-KubernetesResource';
export const HELM_RESOURCE_TYPE = 'Custom::AWSCDK-EKS-HelmChart';

/** A Kubernetes object as applied through the kubectl provider, with its CloudFormation resource. */
export interface KubernetesObject {
  readonly resource: string;
  readonly object: Record<string, any>;
}

/**
 * Turns a template value (a string or an Fn::Join of strings and intrinsics)
 * into text; each intrinsic becomes a `{{Ref:Id}}`/`{{GetAtt:Id}}`/`{{Sub}}`
 * placeholder, safe inside JSON strings.
 */
export function templateText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(templateText).join(separator);
    }
    if (typeof v.Ref === 'string') return `{{Ref:${v.Ref}}}`;
    if (Array.isArray(v['Fn::GetAtt'])) return `{{GetAtt:${v['Fn::GetAtt'][0]}}}`;
    if (v['Fn::Sub'] !== undefined) return '{{Sub}}';
  }
  return '{{Token}}';
}

/** Every Kubernetes object the template applies with the kubectl provider, in template order. */
export function kubernetesObjects(template: TemplateView): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const [id, resource] of template.ofType(MANIFEST_RESOURCE_TYPE)) {
    const parsed = JSON.parse(templateText(resource.Properties?.Manifest)) as Array<Record<string, any>>;
    for (const object of parsed) objects.push({ resource: id, object });
  }
  return objects;
}

export interface WorkloadPosture {
  readonly replicas: string;
  readonly zoneSpread: string;
  readonly rollingUpdate: string;
  readonly probes: Record<string, string>;
  readonly resources: string;
  readonly podSecurityContext: string;
  readonly containerSecurityContext: string;
  readonly serviceAccountToken: string;
  readonly disruptionBudget: string;
  readonly awsIdentity: string;
  /** Each secret setting (environment variable, or file of a secret volume named by a `<NAME>_FILE` variable): the Kubernetes Secret it reads and where the operator fills it from. */
  readonly secrets: string[];
  readonly networkPolicies: string[];
  readonly mtls: string;
}

export interface ClusterPosture {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly endpoint: string;
  readonly authentication: string;
  readonly secretsEncryptedWith: string;
  readonly controlPlaneLogs: string;
  readonly accessEntries: string[];
  readonly compute: string[];
  readonly addons: string[];
  readonly ingress: string[];
  readonly namespaces: Record<string, string[]>;
  /** Secret stores of the External Secrets Operator: which AWS identity they use and what it may read. */
  readonly secretStores: string[];
  readonly workloads: Record<string, WorkloadPosture>;
}

export function clusterPosture(input: PostureInput): ClusterPosture | null {
  const t = input.template;
  const clusters = t.ofType('AWS::EKS::Cluster');
  if (clusters.length === 0) return null;
  if (clusters.length > 1) throw new Error(`cluster posture: expected one EKS cluster, found ${clusters.length}`);
  const [clusterId, cluster] = clusters[0];
  const p = cluster.Properties ?? {};
  const keys = new KeyNames(t);
  const objects = kubernetesObjects(t).map((o) => o.object);

  const vpc = p.ResourcesVpcConfig ?? {};
  const endpoint = vpc.EndpointPublicAccess
    ? `PUBLIC (${(vpc.PublicAccessCidrs ?? ['0.0.0.0/0']).join(', ')})${vpc.EndpointPrivateAccess ? ' and private' : ''}`
    : vpc.EndpointPrivateAccess ? 'private only (no public endpoint)' : 'none';
  const encryption = (p.EncryptionConfig ?? []).map((c: any) => `${(c.Resources ?? []).join(', ')} with ${keys.name(c.Provider?.KeyArn)}`);
  const logTypes = (p.Logging?.ClusterLogging?.EnabledTypes ?? []).map((x: any) => x.Type);
  const logGroup = t.all().find(([, r]) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.LogGroupName === `/aws/eks/${p.Name}/cluster`)?.[1];

  const accessEntries = t.ofType('AWS::EKS::AccessEntry').map(([, r]) => {
    const policies = (r.Properties?.AccessPolicies ?? []).map((a: any) => `${templateText(a.PolicyArn).split('/').pop()} (${a.AccessScope?.Type})`);
    return `${roleName(t.referenceOf(r.Properties?.PrincipalArn))}${r.Properties?.Type ? ` [${r.Properties.Type}]` : ''}: ${policies.join(', ')}`;
  });

  const compute: string[] = [];
  if (p.ComputeConfig?.Enabled) compute.push(`EKS Auto Mode; built-in node pools: ${(p.ComputeConfig.NodePools ?? []).join(', ') || 'none'}`);
  for (const nodeClass of objects.filter((o) => o.kind === 'NodeClass')) {
    const storage = nodeClass.spec?.ephemeralStorage ?? {};
    compute.push(`NodeClass ${nodeClass.metadata.name}: volumes ${storage.size ?? 'default size'} encrypted with ${storage.kmsKeyID ? keys.name(storage.kmsKeyID) : 'the AWS-managed EBS key'}; network policy default ${nodeClass.spec?.networkPolicy ?? 'DefaultAllow'}`);
  }
  for (const pool of objects.filter((o) => o.kind === 'NodePool')) {
    const req = Object.fromEntries((pool.spec?.template?.spec?.requirements ?? []).map((r: any) => [r.key, r.values.join('/')]));
    compute.push(
      `NodePool ${pool.metadata.name}: zones ${req['topology.kubernetes.io/zone']}, ${req['karpenter.sh/capacity-type']}, ${req['kubernetes.io/arch']}, ` +
        `at most ${pool.spec?.limits?.cpu} vCPU, nodes replaced after ${pool.spec?.template?.spec?.expireAfter}`,
    );
  }
  if (objects.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'amazon-vpc-cni' && o.data?.['enable-network-policy-controller'] === 'true')) {
    compute.push('network policies enforced (VPC CNI network policy controller on)');
  }

  const addons = [
    ...t.ofType('AWS::EKS::Addon').map(([, r]) => `${r.Properties?.AddonName} (EKS add-on${r.Properties?.AddonVersion ? ` ${r.Properties.AddonVersion}` : ', EKS default build for the version'})`),
    ...t.ofType(HELM_RESOURCE_TYPE).map(([, r]) => `${r.Properties?.Release}: chart ${r.Properties?.Chart} ${r.Properties?.Version ?? 'UNPINNED'} from ${r.Properties?.Repository}`),
  ];

  return {
    name: p.Name ?? clusterId,
    kubernetesVersion: p.Version,
    endpoint,
    authentication: `${p.AccessConfig?.AuthenticationMode} (access entries)${p.AccessConfig?.BootstrapClusterCreatorAdminPermissions === false ? ', deployer not made admin' : ', deployer made admin'}`,
    secretsEncryptedWith: encryption.join('; ') || 'NOT envelope-encrypted',
    controlPlaneLogs:
      `${logTypes.join(', ') || 'none'}` +
      (logGroup ? ` → ${logGroup.Properties?.LogGroupName}, encrypted with ${keys.name(logGroup.Properties?.KmsKeyId)}, kept ${logGroup.Properties?.RetentionInDays ?? 'forever'} days` : ''),
    accessEntries,
    compute,
    addons,
    ingress: ingressPosture(t, objects),
    namespaces: namespacePosture(objects),
    secretStores: secretStorePosture(t, keys, objects),
    workloads: workloadPosture(t, keys, objects),
  };
}

function ingressPosture(t: TemplateView, objects: Array<Record<string, any>>): string[] {
  const lines: string[] = [];
  for (const [, chart] of t.ofType(HELM_RESOURCE_TYPE)) {
    const values = JSON.parse(templateText(chart.Properties?.Values ?? '{}'));
    const service = values.service;
    if (!service?.annotations) continue;
    const a = service.annotations as Record<string, string>;
    const prefix = 'service.beta.kubernetes.io/aws-load-balancer-';
    const cert = certificateOf(t, a[`${prefix}ssl-cert`]);
    lines.push(
      `${chart.Properties?.Release}: ${a[`${prefix}scheme`] ?? 'internal'} ${service.spec?.loadBalancerClass ?? service.type}, TLS on port ${a[`${prefix}ssl-ports`] ?? 'NONE'} ` +
        `with ${cert}, policy ${a[`${prefix}ssl-negotiation-policy`] ?? 'default'}, proxy protocol ${a[`${prefix}proxy-protocol`] === '*' ? 'v2 (client IP kept)' : 'off'}`,
    );
    for (const [name, port] of Object.entries<any>(values.ports ?? {})) {
      if (port?.expose?.default === false) continue;
      lines.push(`${chart.Properties?.Release} entrypoint ${name}: exposed ${port.exposedPort ?? port.port}, TLS at Traefik ${port.tls?.enabled === false ? 'off (terminated at the load balancer)' : 'on'}`);
    }
  }
  const middlewares = new Map(objects.filter((o) => o.kind === 'Middleware').map((o) => [`${o.metadata.namespace}-${o.metadata.name}@kubernetescrd`, o]));
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const refs = (ingress.metadata?.annotations?.['traefik.ingress.kubernetes.io/router.middlewares'] ?? '').split(',').filter(Boolean);
    const limits = refs.map((ref: string) => {
      const spec = middlewares.get(ref)?.spec;
      if (spec?.rateLimit) return `${spec.rateLimit.average} requests per ${spec.rateLimit.period} (burst ${spec.rateLimit.burst}) per ${criterion(spec.rateLimit.sourceCriterion)}`;
      if (spec?.inFlightReq) return `${spec.inFlightReq.amount} concurrent requests per ${criterion(spec.inFlightReq.sourceCriterion)}`;
      return `${ref} (MISSING middleware)`;
    });
    for (const rule of ingress.spec?.rules ?? []) {
      for (const path of rule.http?.paths ?? []) {
        lines.push(`route ${rule.host}${path.path} → ${ingress.metadata.namespace}/${path.backend?.service?.name}:${path.backend?.service?.port?.number}; limits: ${limits.join('; ') || 'NONE'}`);
      }
    }
  }
  return lines;
}

function criterion(sourceCriterion: any): string {
  if (sourceCriterion?.ipStrategy) return `client IP (depth ${sourceCriterion.ipStrategy.depth ?? 0})`;
  if (sourceCriterion?.requestHeaderName) return `header ${sourceCriterion.requestHeaderName}`;
  return 'request host (NOT per client IP)';
}

function certificateOf(t: TemplateView, arn: string | undefined): string {
  const id = /^\{\{(?:Ref|GetAtt):([^}]+)\}\}$/.exec(arn ?? '')?.[1];
  const cert = id ? t.get(id) : undefined;
  if (!cert) return arn ? 'an external certificate' : 'NO certificate';
  return `ACM certificate for ${cert.Properties?.DomainName} (${cert.Properties?.ValidationMethod} validation)`;
}

function namespacePosture(objects: Array<Record<string, any>>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const name = ns.metadata.name as string;
    const labels = ns.metadata.labels ?? {};
    const lines = [
      `mesh: ${labels['istio.io/dataplane-mode'] === 'ambient' ? 'Istio ambient' : 'not enrolled'}`,
      `pod security: ${labels['pod-security.kubernetes.io/enforce'] ?? 'not enforced'}`,
    ];
    for (const pa of objects.filter((o) => o.kind === 'PeerAuthentication' && o.metadata?.namespace === name)) {
      lines.push(`mTLS ${pa.spec?.mtls?.mode ?? 'UNSET'} (PeerAuthentication ${pa.metadata.name})`);
    }
    for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata?.namespace === name && isEmptySelector(o.spec?.podSelector))) {
      lines.push(describePolicy(policy));
    }
    result[name] = lines;
  }
  return result;
}

function workloadPosture(t: TemplateView, keys: KeyNames, objects: Array<Record<string, any>>): Record<string, WorkloadPosture> {
  const result: Record<string, WorkloadPosture> = {};
  const associations = t.ofType('AWS::EKS::PodIdentityAssociation').map(([, r]) => r.Properties ?? {});
  for (const deployment of objects.filter((o) => o.kind === 'Deployment')) {
    const ns = deployment.metadata.namespace as string;
    const name = deployment.metadata.name as string;
    const pod = deployment.spec.template.spec;
    const podLabels = deployment.spec.template.metadata?.labels ?? {};
    const selects = (selector: any) => Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v);
    const sameNs = (o: Record<string, any>) => o.metadata?.namespace === ns;
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && sameNs(o) && o.spec?.scaleTargetRef?.name === name);
    const pdb = objects.find((o) => o.kind === 'PodDisruptionBudget' && sameNs(o) && selects(o.spec?.selector));
    const containers = pod.containers as Array<Record<string, any>>;
    const spread = (pod.topologySpreadConstraints ?? []).filter((c: any) => c.topologyKey === 'topology.kubernetes.io/zone');
    const rolling = deployment.spec.strategy?.rollingUpdate;
    const association = associations.find((a) => a.Namespace === ns && a.ServiceAccount === pod.serviceAccountName);
    const peerAuth = objects.find((o) => o.kind === 'PeerAuthentication' && sameNs(o) && !o.spec?.selector);
    const cpuMetric = hpa?.spec?.metrics?.find((m: any) => m.resource?.name === 'cpu')?.resource?.target?.averageUtilization;

    result[`${ns}/${name}`] = {
      replicas: hpa ? `HPA ${hpa.spec.minReplicas}..${hpa.spec.maxReplicas}${cpuMetric ? ` at ${cpuMetric}% CPU` : ''}` : `fixed ${deployment.spec.replicas ?? 1} (NO autoscaling)`,
      zoneSpread: spread.map((c: any) => `maxSkew ${c.maxSkew}, ${c.whenUnsatisfiable}`).join('; ') || 'NONE',
      rollingUpdate: rolling ? `maxUnavailable ${rolling.maxUnavailable}, maxSurge ${rolling.maxSurge}` : `${deployment.spec.strategy?.type ?? 'RollingUpdate (defaults: 25% unavailable)'}`,
      probes: Object.fromEntries(
        containers.flatMap((c) => (['readinessProbe', 'livenessProbe', 'startupProbe'] as const).map((k) => [`${c.name}.${k.replace('Probe', '')}`, describeProbe(c[k])])),
      ),
      resources: containers.map((c) => `${c.name}: cpu ${c.resources?.requests?.cpu ?? 'NO request'}..${c.resources?.limits?.cpu ?? 'NO limit'}, memory ${c.resources?.requests?.memory ?? 'NO request'}..${c.resources?.limits?.memory ?? 'NO limit'}`).join('; '),
      podSecurityContext: describeSecurityContext(pod.securityContext),
      containerSecurityContext: containers.map((c) => `${c.name}: ${describeSecurityContext(c.securityContext)}`).join('; '),
      serviceAccountToken: pod.automountServiceAccountToken === false ? 'not mounted' : 'MOUNTED',
      disruptionBudget: pdb ? (pdb.spec.maxUnavailable !== undefined ? `maxUnavailable ${pdb.spec.maxUnavailable}` : `minAvailable ${pdb.spec.minAvailable}`) : 'NONE',
      secrets: containers.flatMap((c) => [
        ...(c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => describeSecretEnv(t, keys, objects, ns, e)),
        ...secretFiles(pod, c).map((file) => describeSecretFile(t, keys, objects, ns, file)),
      ]),
      awsIdentity: association ? `Pod Identity: service account ${pod.serviceAccountName} → ${roleName(t.referenceOf(association.RoleArn))}, ${keys.usableBy(t.referenceOf(association.RoleArn))}` : 'none',
      networkPolicies: objects
        .filter((o) => o.kind === 'NetworkPolicy' && sameNs(o) && (isEmptySelector(o.spec?.podSelector) || selects(o.spec?.podSelector)))
        .map(describePolicy),
      mtls: peerAuth ? `${peerAuth.spec?.mtls?.mode} (namespace PeerAuthentication)` : 'mesh default (PERMISSIVE)',
    };
  }
  return result;
}

/** Where a secret environment variable comes from: the Kubernetes Secret, and the ExternalSecret and Secrets Manager secrets that fill it. */
function describeSecretEnv(t: TemplateView, keys: KeyNames, objects: Array<Record<string, any>>, ns: string, env: any): string {
  const { name: secretName, key } = env.valueFrom.secretKeyRef;
  return describeSecretSource(t, keys, objects, ns, secretName, key, `${env.name} ← Secret ${secretName}/${key}`);
}

/** A `<NAME>_FILE` variable that points into a mounted secret volume: the runtime reads NAME from that file. */
interface SecretFile {
  readonly variable: string;
  readonly path: string;
  readonly secretName: string;
  readonly key: string;
  readonly mode: number;
  readonly readOnly: boolean;
  readonly subPath: boolean;
}

function secretFiles(pod: Record<string, any>, container: Record<string, any>): SecretFile[] {
  const files: SecretFile[] = [];
  for (const env of (container.env ?? []) as Array<Record<string, any>>) {
    if (!env.name?.endsWith('_FILE') || typeof env.value !== 'string') continue;
    for (const mount of (container.volumeMounts ?? []) as Array<Record<string, any>>) {
      const secret = (pod.volumes ?? []).find((v: any) => v.name === mount.name)?.secret;
      // A subPath mount puts one file of the volume at mountPath; a whole-volume mount puts the volume under it.
      const relative = mount.subPath !== undefined ? (env.value === mount.mountPath ? mount.subPath : undefined) : env.value.startsWith(`${mount.mountPath}/`) ? env.value.slice(mount.mountPath.length + 1) : undefined;
      if (!secret || relative === undefined) continue;
      const item = (secret.items as Array<Record<string, any>> | undefined)?.find((i) => i.path === relative);
      const key = item ? item.key : secret.items ? undefined : relative;
      if (key === undefined) continue;
      // Kubernetes' defaults: a secret volume's files are 0644 unless the volume or the item says otherwise.
      files.push({ variable: env.name, path: env.value, secretName: secret.secretName, key, mode: item?.mode ?? secret.defaultMode ?? 0o644, readOnly: mount.readOnly === true, subPath: mount.subPath !== undefined });
    }
  }
  return files;
}

/**
 * A secret the runtime reads from a mounted file. The kubelet rewrites the files of a secret volume when
 * the Secret changes (not those of a subPath mount), and the runtime re-reads a `<NAME>_FILE` for each new
 * database connection, so a rotated value reaches running pods.
 */
function describeSecretFile(t: TemplateView, keys: KeyNames, objects: Array<Record<string, any>>, ns: string, file: SecretFile): string {
  const setting = file.variable.replace(/_FILE$/, '');
  const mount = [file.readOnly ? 'read-only' : 'WRITABLE', `mode ${file.mode.toString(8).padStart(4, '0')}`, file.subPath ? 'subPath mount: NOT REFRESHED by the kubelet' : 'refreshed by the kubelet'];
  const head = `${setting} ← mounted file ${file.path} (${mount.join(', ')}; ${file.variable}, re-read per new connection) ← Secret ${file.secretName}/${file.key}`;
  return describeSecretSource(t, keys, objects, ns, file.secretName, file.key, head);
}

/** The ExternalSecret and Secrets Manager secrets behind one key of a Kubernetes Secret. */
function describeSecretSource(t: TemplateView, keys: KeyNames, objects: Array<Record<string, any>>, ns: string, secretName: string, key: string, head: string): string {
  const external = objects.find((o) => o.kind === 'ExternalSecret' && o.metadata?.namespace === ns && (o.spec?.target?.name ?? o.metadata.name) === secretName);
  if (!external) return `${head}: NOT PRODUCED (no ExternalSecret writes ${secretName})`;
  const spec = external.spec;
  const data: Array<Record<string, any>> = spec.data ?? [];
  const template: string | undefined = spec.target?.template?.data?.[key];
  const inputs = template === undefined ? data.filter((d) => d.secretKey === key) : data.filter((d) => new RegExp(`\\{\\{-?\\s*\\.${d.secretKey}\\b`).test(template));
  if (inputs.length === 0) return `${head}: NOT PRODUCED (ExternalSecret ${ns}/${external.metadata.name} writes no ${key})`;
  const bySecret = new Map<string, string[]>();
  for (const input of inputs) {
    const source = secretsManagerSecret(t, keys, input.remoteRef?.key);
    bySecret.set(source, [...(bySecret.get(source) ?? []), ...(input.remoteRef?.property ? [input.remoteRef.property] : [])]);
  }
  const sources = [...bySecret].map(([source, properties]) => `${source}${properties.length ? ` [${properties.join(', ')}]` : ''}`);
  const verbatim = template === undefined || /^\{\{\s*\.\w+\s*\}\}$/.test(template);
  const tls = /[?&]sslmode=([\w-]+)/.exec(template ?? '')?.[1];
  return (
    `${head} ← ${verbatim ? '' : 'composed from '}${sources.join(' + ')}${tls ? ` (TLS sslmode ${tls})` : ''} ` +
    `via External Secrets (ExternalSecret ${ns}/${external.metadata.name}, SecretStore ${spec.secretStoreRef?.name}, refreshed every ${spec.refreshInterval ?? '1h'})`
  );
}

/** `Secrets Manager <logical id> (<key>)` for a secret reference of a manifest. */
function secretsManagerSecret(t: TemplateView, keys: KeyNames, reference: unknown): string {
  const id = secretId(t, /^\{\{(?:Ref|GetAtt):([^}]+)\}\}$/.exec(String(reference ?? ''))?.[1]);
  const resource = id ? t.get(id) : undefined;
  if (resource?.Type !== 'AWS::SecretsManager::Secret') return `external secret ${String(reference)}`;
  const key = resource.Properties?.KmsKeyId;
  return `Secrets Manager ${secretName(id)} (${key === undefined ? 'aws-managed key' : keys.name(key)})`;
}

/** The secret behind a reference; an RDS secret attachment (whose Ref is the secret's ARN) is followed to its secret. */
function secretId(t: TemplateView, id: string | undefined): string | undefined {
  const resource = id ? t.get(id) : undefined;
  return resource?.Type === 'AWS::SecretsManager::SecretTargetAttachment' ? t.referenceOf(resource.Properties?.SecretId) : id;
}

/** A secret's logical id without its hashes; RDS's generated secret carries a second, 32-character one. */
function secretName(id: string | undefined): string {
  return roleName(id?.replace(/[0-9a-f]{32}$/, ''));
}

function secretStorePosture(t: TemplateView, keys: KeyNames, objects: Array<Record<string, any>>): string[] {
  return objects
    .filter((o) => o.kind === 'SecretStore' || o.kind === 'ClusterSecretStore')
    .map((store) => {
      const aws = store.spec?.provider?.aws;
      const where = `${store.kind} ${store.metadata.namespace ? `${store.metadata.namespace}/` : ''}${store.metadata.name}`;
      if (!aws) return `${where}: provider ${Object.keys(store.spec?.provider ?? {}).join(', ')}`;
      if (aws.auth || aws.role) return `${where}: AWS ${aws.service} ${aws.region}, as ${aws.role ? `role ${aws.role}` : 'explicit credentials'}`;
      const operatorRoles = t
        .ofType('AWS::EKS::PodIdentityAssociation')
        .filter(([, a]) => a.Properties?.Namespace === 'external-secrets' && a.Properties?.ServiceAccount === 'external-secrets')
        .map(([, a]) => t.referenceOf(a.Properties?.RoleArn));
      const grants = operatorRoles.map((roleId) => `${roleName(roleId)} (${iamGrants(t, keys, roleId)})`);
      return `${where}: AWS ${aws.service} ${aws.region}, as the operator's Pod Identity role ${grants.join(', ') || 'NONE'}`;
    });
}

/** Every IAM statement attached to a role, with its resources named. */
function iamGrants(t: TemplateView, keys: KeyNames, roleId: string | undefined): string {
  const statements = t
    .ofType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties?.Roles ?? []).some((r: unknown) => t.referenceOf(r) === roleId))
    .flatMap(([, policy]) => policy.Properties?.PolicyDocument?.Statement ?? []);
  return (
    statements
      .map((s: any) => {
        const resources = ([] as unknown[]).concat(s.Resource).map((r) => {
          const id = secretId(t, t.referenceOf(r));
          const type = id ? t.get(id)?.Type : undefined;
          return type === 'AWS::KMS::Key' ? keys.name(r) : id ? secretName(id) : String(r);
        });
        const via = s.Condition?.StringEquals?.['kms:ViaService'] ? ` via ${String(s.Condition.StringEquals['kms:ViaService']).split('.')[0]}` : '';
        return `${s.Effect === 'Deny' ? 'DENY ' : ''}${[].concat(s.Action).join(', ')} on ${resources.join(', ')}${via}`;
      })
      .join('; ') || 'no permissions'
  );
}

function describeProbe(probe: any): string {
  if (!probe) return 'NONE';
  const get = probe.httpGet ? `GET ${probe.httpGet.path} :${probe.httpGet.port}` : probe.tcpSocket ? `TCP :${probe.tcpSocket.port}` : 'exec';
  return `${get} every ${probe.periodSeconds ?? 10}s, fails after ${probe.failureThreshold ?? 3}`;
}

function describeSecurityContext(sc: any): string {
  if (!sc) return 'NONE';
  const facts: string[] = [];
  if (sc.runAsNonRoot) facts.push('runAsNonRoot');
  if (sc.runAsUser !== undefined) facts.push(`uid ${sc.runAsUser}`);
  if (sc.readOnlyRootFilesystem) facts.push('readOnlyRootFilesystem');
  if (sc.allowPrivilegeEscalation === false) facts.push('no privilege escalation');
  if (sc.privileged) facts.push('PRIVILEGED');
  if (sc.capabilities?.drop) facts.push(`drop ${sc.capabilities.drop.join(',')}`);
  if (sc.capabilities?.add) facts.push(`ADD ${sc.capabilities.add.join(',')}`);
  if (sc.seccompProfile?.type) facts.push(`seccomp ${sc.seccompProfile.type}`);
  return facts.join(', ') || 'NONE';
}

function isEmptySelector(selector: any): boolean {
  return !selector || (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0);
}

/** One readable line per NetworkPolicy: what it selects and which flows it opens. */
export function describePolicy(policy: Record<string, any>): string {
  const spec = policy.spec ?? {};
  const types: string[] = spec.policyTypes ?? ['Ingress'];
  const ports = (rule: any) => (rule.ports ?? []).map((p: any) => `${p.protocol ?? 'TCP'}/${p.port}`).join(',') || 'any port';
  const peer = (x: any) =>
    x.ipBlock
      ? x.ipBlock.cidr
      : [x.namespaceSelector ? `namespace ${x.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? 'any'}` : 'this namespace', x.podSelector && !isEmptySelector(x.podSelector) ? `pods ${Object.values(x.podSelector.matchLabels ?? {}).join('/')}` : 'all pods'].join(' ');
  const flows = [
    ...(spec.ingress ?? []).map((r: any) => `in from ${(r.from ?? []).map(peer).join(' | ') || 'anywhere'} on ${ports(r)}`),
    ...(spec.egress ?? []).map((r: any) => `out to ${(r.to ?? []).map(peer).join(' | ') || 'anywhere'} on ${ports(r)}`),
  ];
  const denies = types.filter((type) => !(spec[type.toLowerCase()] ?? []).length);
  return `${policy.metadata.name}: ${flows.length ? flows.join('; ') : `deny all ${denies.join('+')}`}`;
}

/** Names resources in readable terms: a key by its alias, a role by its logical id without the hash. */
class KeyNames {
  private readonly aliases = new Map<string, string>();
  constructor(private readonly t: TemplateView) {
    for (const [, alias] of t.ofType('AWS::KMS::Alias')) {
      const key = t.referenceOf(alias.Properties?.TargetKeyId);
      if (key) this.aliases.set(key, alias.Properties?.AliasName);
    }
  }

  name(value: unknown): string {
    const text = templateText(value);
    const id = /^\{\{(?:Ref|GetAtt):([^}]+)\}\}$/.exec(text)?.[1] ?? this.t.referenceOf(value);
    return (id && this.aliases.get(id)) ?? id ?? text;
  }

  /** Which keys a role may use: IAM policies attached to it, and key policies naming it. */
  usableBy(roleId: string | undefined): string {
    if (!roleId) return 'unknown role';
    const named = (principal: unknown) => JSON.stringify(principal ?? '').includes(`"${roleId}"`);
    const keyPolicies = this.t
      .ofType('AWS::KMS::Key')
      .filter(([, key]) => (key.Properties?.KeyPolicy?.Statement ?? []).some((s: any) => s.Effect === 'Allow' && named(s.Principal)))
      .map(([id]) => this.aliases.get(id) ?? id);
    const iamActions = this.t
      .ofType('AWS::IAM::Policy')
      .filter(([, policy]: [string, CfnResource]) => (policy.Properties?.Roles ?? []).some((r: unknown) => this.t.referenceOf(r) === roleId))
      .flatMap(([, policy]) => (policy.Properties?.PolicyDocument?.Statement ?? []).flatMap((s: any) => [].concat(s.Action)));
    return `keys: ${keyPolicies.join(', ') || 'none'}; IAM policy actions: ${iamActions.join(', ') || 'none'}`;
  }
}

function roleName(logicalId: string | undefined): string {
  return (logicalId ?? 'unknown').replace(/[0-9A-F]{8}$/, '');
}
