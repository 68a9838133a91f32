/** Workload lines: per Deployment its availability, hardening, identity, secrets, network policies and mTLS. */
import { keyLabel } from '../naming';
import type { ConnectionFacts, NetworkPolicyFacts, PodIdentityFacts, PolicyPeer, PolicyRuleFacts, ProbeFacts, SecretSettingFacts, SecretsManagerSecretRef, SecurityContextFacts, WorkloadFacts } from '../facts/cluster';

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

function probeText(probe: ProbeFacts | undefined): string {
  if (!probe) return 'NONE';
  const check = probe.check.kind === 'http' ? `GET ${probe.check.path} :${probe.check.port}` : probe.check.kind === 'tcp' ? `TCP :${probe.check.port}` : 'exec';
  return `${check} every ${probe.periodSeconds}s, fails after ${probe.failureThreshold}`;
}

function securityContextText(sc: SecurityContextFacts | undefined): string {
  if (!sc) return 'NONE';
  const facts: string[] = [];
  if (sc.runAsNonRoot) facts.push('runAsNonRoot');
  if (sc.runAsUser !== undefined) facts.push(`uid ${sc.runAsUser}`);
  if (sc.readOnlyRootFilesystem) facts.push('readOnlyRootFilesystem');
  if (sc.allowPrivilegeEscalation === false) facts.push('no privilege escalation');
  if (sc.privileged) facts.push('PRIVILEGED');
  if (sc.drop) facts.push(`drop ${sc.drop.join(',')}`);
  if (sc.add) facts.push(`ADD ${sc.add.join(',')}`);
  if (sc.seccompProfile) facts.push(`seccomp ${sc.seccompProfile}`);
  return facts.join(', ') || 'NONE';
}

function peerText(peer: PolicyPeer): string {
  if (peer.kind === 'ip-block') return peer.cidr;
  const namespace = peer.namespace.kind === 'same' ? 'this namespace' : `namespace ${peer.namespace.kind === 'named' ? peer.namespace.name : 'any'}`;
  return `${namespace} ${peer.podLabels ? `pods ${Object.values(peer.podLabels).join('/')}` : 'all pods'}`;
}

const portsText = (rule: PolicyRuleFacts) => rule.ports.map((p) => `${p.protocol}/${p.port ?? 'any'}`).join(',') || 'any port';

/** One readable line per NetworkPolicy: what it selects and which flows it opens. */
export function policyText(policy: NetworkPolicyFacts): string {
  const flows = [
    ...policy.ingress.map((r) => `in from ${r.peers.map(peerText).join(' | ') || 'anywhere'} on ${portsText(r)}`),
    ...policy.egress.map((r) => `out to ${r.peers.map(peerText).join(' | ') || 'anywhere'} on ${portsText(r)}`),
  ];
  const denies = policy.policyTypes.filter((type) => !(type === 'Ingress' ? policy.ingress : type === 'Egress' ? policy.egress : []).length);
  return `${policy.name}: ${flows.length ? flows.join('; ') : `deny all ${denies.join('+')}`}`;
}

function secretLabel(secret: SecretsManagerSecretRef): string {
  return secret.kind === 'stack' ? `Secrets Manager ${secret.name} (${keyLabel(secret.key)})` : `external secret ${secret.reference}`;
}

/**
 * A secret the runtime reads from a mounted file: the kubelet rewrites the files of a secret volume when
 * the Secret changes (not those of a subPath mount), and the runtime re-reads a `<NAME>_FILE` for each new
 * database connection, so a rotated value reaches running pods.
 */
function secretText(s: SecretSettingFacts): string {
  const { via, secret, source } = s;
  const head =
    via.kind === 'env'
      ? `${s.setting} ← Secret ${secret.name}/${secret.key}`
      : `${s.setting} ← mounted file ${via.path} (${[
          via.readOnly ? 'read-only' : 'WRITABLE',
          `mode ${via.mode.toString(8).padStart(4, '0')}`,
          via.subPath ? 'subPath mount: NOT REFRESHED by the kubelet' : 'refreshed by the kubelet',
        ].join(', ')}; ${via.variable}, re-read per new connection) ← Secret ${secret.name}/${secret.key}`;
  switch (source.kind) {
    case 'no-external-secret':
      return `${head}: NOT PRODUCED (no ExternalSecret writes ${secret.name})`;
    case 'key-not-written':
      return `${head}: NOT PRODUCED (ExternalSecret ${source.externalSecret} writes no ${secret.key})`;
    case 'external-secrets': {
      const sources = source.inputs.map(({ secret: input, properties }) => `${secretLabel(input)}${properties.length ? ` [${properties.join(', ')}]` : ''}`);
      return (
        `${head} ← ${source.verbatim ? '' : 'composed from '}${sources.join(' + ')}${connectionText(source.connection)} ` +
        `via External Secrets (ExternalSecret ${source.externalSecret}, SecretStore ${source.store}, refreshed every ${source.refreshInterval})`
      );
    }
  }
}

/** How a composed URL secures its hop, in the line of its setting; nothing for values that are not URLs. */
function connectionText(connection: ConnectionFacts | undefined): string {
  if (!connection) return '';
  switch (connection.kind) {
    case 'postgres':
      return connection.sslMode ? ` (TLS sslmode ${connection.sslMode})` : ' (PostgreSQL, NO sslmode)';
    case 'amqp':
      return connection.tls ? ' (AMQPS: AMQP over TLS)' : ' (PLAINTEXT AMQP)';
    case 'mongodb': {
      if (!connection.tls) return ' (MongoDB WITHOUT TLS)';
      const insecure = connection.insecureOptions.length ? `, ${connection.insecureOptions.join(', ')}: CERTIFICATE CHECKS OFF` : '';
      return ` (MongoDB over TLS, CA ${connection.caFile ?? "Node's built-in CAs"}${insecure})`;
    }
  }
}

function awsIdentityText(identity: PodIdentityFacts | undefined): string {
  if (!identity) return 'none';
  const keys = identity.keysNamingRole.map(keyLabel);
  return `Pod Identity: service account ${identity.serviceAccount} → ${identity.role}, keys: ${keys.join(', ') || 'none'}; IAM policy: ${identity.iamPermissions.join('; ') || 'none'}`;
}

export function renderWorkload(w: WorkloadFacts): WorkloadPosture {
  const hpa = w.autoscaler;
  const rolling = w.strategy.rollingUpdate;
  const pdb = w.disruptionBudget;
  return {
    replicas: hpa ? `HPA ${hpa.minReplicas}..${hpa.maxReplicas}${hpa.cpuTarget ? ` at ${hpa.cpuTarget}% CPU` : ''}` : `fixed ${w.replicas} (NO autoscaling)`,
    zoneSpread: w.zoneSpread.map((c) => `maxSkew ${c.maxSkew}, ${c.whenUnsatisfiable}`).join('; ') || 'NONE',
    rollingUpdate: rolling ? `maxUnavailable ${rolling.maxUnavailable}, maxSurge ${rolling.maxSurge}` : `${w.strategy.type ?? 'RollingUpdate (defaults: 25% unavailable)'}`,
    probes: Object.fromEntries(
      w.containers.flatMap((c) => (['readiness', 'liveness', 'startup'] as const).map((kind) => [`${c.name}.${kind}`, probeText(c.probes[kind])])),
    ),
    resources: w.containers
      .map((c) => `${c.name}: cpu ${c.resources.cpuRequest ?? 'NO request'}..${c.resources.cpuLimit ?? 'NO limit'}, memory ${c.resources.memoryRequest ?? 'NO request'}..${c.resources.memoryLimit ?? 'NO limit'}`)
      .join('; '),
    podSecurityContext: securityContextText(w.podSecurityContext),
    containerSecurityContext: w.containers.map((c) => `${c.name}: ${securityContextText(c.securityContext)}`).join('; '),
    serviceAccountToken: w.serviceAccountTokenMounted ? 'MOUNTED' : 'not mounted',
    disruptionBudget: pdb ? (pdb.maxUnavailable !== undefined ? `maxUnavailable ${pdb.maxUnavailable}` : `minAvailable ${pdb.minAvailable}`) : 'NONE',
    awsIdentity: awsIdentityText(w.podIdentity),
    secrets: w.secrets.map(secretText),
    networkPolicies: w.networkPolicies.map(policyText),
    mtls: w.namespaceMtls ? `${w.namespaceMtls} (namespace PeerAuthentication)` : 'mesh default (PERMISSIVE)',
  };
}
