/** Cluster lines: endpoint, access, keys, logs, compute, add-ons, ingress, namespaces, secret stores and workloads. */
import { keyLabel } from '../naming';
import type { AccessEntryFacts, CertificateFacts, IngressDnsFacts, ZoneRef, ClientCriterion, ClusterFacts, ComputeFacts, ControlPlaneFacts, IamResource, IamStatementFacts, IngressFacts, RouteLimit, SecretStoreFacts } from '../facts/cluster';
import { formatRule, ingressRule } from './network';
import { policyText, renderWorkload, type WorkloadPosture } from './workloads';

export type { WorkloadPosture } from './workloads';

export interface ClusterPosture {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly endpoint: string;
  /** Ingress rules of the control plane's security groups: who reaches the private endpoint (443). */
  readonly apiAccess: string[];
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

function endpointText({ endpoint }: ControlPlaneFacts): string {
  if (endpoint.publicAccess) return `PUBLIC (${endpoint.publicCidrs.join(', ')})${endpoint.privateAccess ? ' and private' : ''}`;
  return endpoint.privateAccess ? 'private only (no public endpoint)' : 'none';
}

function accessEntryText(e: AccessEntryFacts): string {
  const p = e.principal;
  const who =
    p.kind === 'role-arn'
      ? `${p.arn} (${e.onlyInAccount ? `only where deployed to account ${e.onlyInAccount}` : 'in every account'})`
      : p.kind === 'stack-role'
        ? `${p.role} (assumed by ${p.assumableBy.join(', ') || 'nobody'})`
        : p.text;
  const condition = e.otherCondition ? `, if ${e.otherCondition}` : '';
  return `${who}${condition}${e.type ? ` [${e.type}]` : ''}: ${e.policies.map((policy) => `${policy.policy} (${policy.scope})`).join(', ')}`;
}

function controlPlaneLogsText({ logTypes, logGroup }: ControlPlaneFacts): string {
  return (
    `${logTypes.join(', ') || 'none'}` +
    (logGroup ? ` → ${logGroup.name}, encrypted with ${logGroup.key ? keyLabel(logGroup.key) : 'no KMS key'}, kept ${logGroup.retentionDays ?? 'forever'} days` : '')
  );
}

function computeLines(compute: ComputeFacts): string[] {
  const lines: string[] = [];
  if (compute.autoMode) lines.push(`EKS Auto Mode; built-in node pools: ${compute.autoMode.nodePools.join(', ') || 'none'}`);
  for (const c of compute.nodeClasses) {
    lines.push(`NodeClass ${c.name}: volumes ${c.volumeSize ?? 'default size'} encrypted with ${c.volumeKey ? keyLabel(c.volumeKey) : 'the AWS-managed EBS key'}; network policy default ${c.networkPolicyDefault}`);
  }
  for (const pool of compute.nodePools) {
    const req = (key: string) => pool.requirements[key]?.join('/') ?? 'any';
    lines.push(
      `NodePool ${pool.name}: zones ${req('topology.kubernetes.io/zone')}, ${req('karpenter.sh/capacity-type')}, ${req('kubernetes.io/arch')}, ` +
        `at most ${pool.cpuLimit ?? 'unlimited'} vCPU, nodes replaced after ${pool.expireAfter ?? 'never'}`,
    );
  }
  if (compute.networkPolicyController) lines.push('network policies enforced (VPC CNI network policy controller on)');
  return lines;
}

function criterionText(c: ClientCriterion): string {
  return c.kind === 'client-ip' ? `client IP (depth ${c.depth})` : c.kind === 'header' ? `header ${c.header}` : 'request host (NOT per client IP)';
}

function limitText(limit: RouteLimit): string {
  if (limit.kind === 'rate') return `${limit.average} requests per ${limit.period} (burst ${limit.burst}) per ${criterionText(limit.per)}`;
  if (limit.kind === 'in-flight') return `${limit.amount} concurrent requests per ${criterionText(limit.per)}`;
  return `${limit.middleware} (MISSING middleware)`;
}

function ingressLines(ingress: IngressFacts): string[] {
  const lines = ingress.controllers.flatMap(({ loadBalancer: lb, entrypoints }) => {
    const cert = lb.certificate.kind === 'acm' ? `ACM certificate for ${lb.certificate.domain} (${lb.certificate.validation} validation)` : lb.certificate.kind === 'external' ? 'an external certificate' : 'NO certificate';
    return [
      `${lb.release}: ${lb.scheme} ${lb.loadBalancerClass}, TLS on port ${lb.tlsPorts ?? 'NONE'} with ${cert}, policy ${lb.sslPolicy ?? 'default'}, proxy protocol ${lb.proxyProtocolV2 ? 'v2 (client IP kept)' : 'off'}`,
      ...entrypoints.map(
        (e) =>
          `${e.release} entrypoint ${e.name}: exposed ${e.exposedPort}, TLS at Traefik ${e.tlsAtTraefik ? 'on' : 'off (terminated at the load balancer)'}` +
          (e.trustedProxyCidrs ? `, PROXY protocol trusted only from ${e.trustedProxyCidrs.join(', ') || 'NOWHERE'}` : ''),
      ),
      ...certificateNameLines(lb.certificate),
    ];
  });
  lines.push(...dnsLines(ingress.dns));
  for (const route of ingress.routes) {
    lines.push(`route ${route.host}${route.path}${route.pathType === 'Exact' ? ' (exactly)' : ''} → ${route.namespace}/${route.service}:${route.port}; limits: ${route.limits.map(limitText).join('; ') || 'NONE'}`);
  }
  return lines;
}

function zoneText(zone: ZoneRef | undefined): string {
  if (!zone) return 'NO zone (a validation record must be added by hand)';
  return zone.kind === 'id' ? `zone ${zone.id}` : zone.kind === 'imported' ? `zone ${zone.exportName} (imported from the DNS stack)` : 'an unknown zone';
}

function certificateNameLines(cert: CertificateFacts): string[] {
  if (cert.kind !== 'acm') return [];
  return [
    `certificate names: ${[cert.domain, ...(cert.alternativeNames ?? [])].join(', ')}; validation records: ${
      (cert.validationZones ?? []).map((v) => `${v.domain} in ${zoneText(v.zone)}`).join('; ') || zoneText(undefined)
    }`,
  ];
}

function dnsLines(dns: IngressDnsFacts): string[] {
  const names = `names: ${dns.hostname ?? 'UNNAMED'}${dns.publicName ? `, public name ${dns.publicName}` : ''}`;
  const publisher = dns.publisher;
  if (publisher.kind === 'brand') return [`${names}; certificate from the brand, which publishes the names itself (no zone, no ExternalDNS)`];
  const lines = [
    `${names}; published by ExternalDNS (${publisher.release}) into ${zoneText(publisher.zone)}: ${publisher.names.join(', ') || 'NO names'}, TXT owner ${publisher.ownerId ?? 'UNSET'}, policy ${publisher.policy ?? 'default'}`,
  ];
  if (publisher.latency) {
    const check = dns.healthChecks.find((c) => c.logicalId === publisher.latency?.healthCheck);
    lines.push(
      `latency record: set identifier ${publisher.latency.setIdentifier}, region ${publisher.latency.region}, health check ${
        check ? `${check.type} ${check.fqdn}:${check.port}${check.path ?? ''}` : (publisher.latency.healthCheck ?? 'NONE')
      }`,
    );
  }
  return lines;
}

function iamResourceText(r: IamResource): string {
  return r.kind === 'key' ? keyLabel(r.key) : r.kind === 'resource' ? r.name : r.text;
}

function grantsText(statements: readonly IamStatementFacts[]): string {
  const lines = statements.map(
    (s) => `${s.effect === 'Deny' ? 'DENY ' : ''}${s.actions.join(', ')} on ${s.resources.map(iamResourceText).join(', ')}${s.viaService ? ` via ${s.viaService.split('.')[0]}` : ''}`,
  );
  return lines.join('; ') || 'no permissions';
}

function secretStoreText(store: SecretStoreFacts): string {
  const where = `${store.kind} ${store.namespace ? `${store.namespace}/` : ''}${store.name}`;
  const provider = store.provider;
  if (provider.kind === 'other') return `${where}: provider ${provider.providers.join(', ')}`;
  const head = `${where}: AWS ${provider.service} ${provider.region}, as`;
  const auth = provider.auth;
  if (auth.kind === 'role') return `${head} role ${auth.role}`;
  if (auth.kind === 'explicit-credentials') return `${head} explicit credentials`;
  return `${head} the operator's Pod Identity role ${auth.roles.map((r) => `${r.role} (${grantsText(r.statements)})`).join(', ') || 'NONE'}`;
}

export function renderCluster(facts: ClusterFacts | null): ClusterPosture | null {
  if (!facts) return null;
  const cp = facts.controlPlane;
  return {
    name: cp.name,
    kubernetesVersion: String(cp.kubernetesVersion),
    endpoint: endpointText(cp),
    apiAccess: cp.apiAccess.map((rule) => formatRule(ingressRule(rule))),
    authentication: `${cp.authenticationMode}${cp.authenticationMode.includes('API') ? ' (access entries)' : ''}${cp.creatorIsAdmin ? ', deployer made admin' : ', deployer not made admin'}`,
    secretsEncryptedWith: cp.envelopeEncryption.map((c) => `${c.resources.join(', ')} with ${keyLabel(c.key)}`).join('; ') || 'NOT envelope-encrypted',
    controlPlaneLogs: controlPlaneLogsText(cp),
    accessEntries: cp.accessEntries.map(accessEntryText),
    compute: computeLines(facts.compute),
    addons: [
      ...cp.addons.map((a) => `${a.name} (EKS add-on${a.version ? ` ${a.version}` : ', EKS default build for the version'})`),
      ...cp.helmReleases.map((h) => `${h.release}: chart ${h.chart} ${h.version ?? 'UNPINNED'} from ${h.repository}`),
    ],
    ingress: ingressLines(facts.ingress),
    namespaces: Object.fromEntries(
      facts.namespaces.map((ns) => [
        ns.name,
        [
          `mesh: ${ns.ambientMesh ? 'Istio ambient' : 'not enrolled'}`,
          `pod security: ${ns.podSecurity ?? 'not enforced'}`,
          ...ns.peerAuthentications.map((pa) => `mTLS ${pa.mode ?? 'UNSET'} (PeerAuthentication ${pa.name})`),
          ...ns.namespacePolicies.map(policyText),
        ],
      ]),
    ),
    secretStores: facts.secretStores.map(secretStoreText),
    workloads: Object.fromEntries(facts.workloads.map((w) => [`${w.namespace}/${w.name}`, renderWorkload(w)])),
  };
}
