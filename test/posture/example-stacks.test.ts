/**
 * What the rules cannot know, because it is brand data rather than the
 * template's: checked on the facts of every example BrandStack. (The rules
 * check the shape: SSH only from a narrow range; this checks it is the
 * brand's VPN.) Each assertion reads typed facts, not rendered lines.
 */
import { BrandRegistry } from '../../lib/config/registry';
import { platformKeyAlias, stackHostname } from '../../lib/config/naming';
import { hostedZoneFor } from '../../lib/config/dns';
import { keyLabel } from '../../lib/posture/naming';
import { EXAMPLE_TARGETS } from '../helpers/synth';
import { factsOf } from './facts';

const registry = BrandRegistry.load();

describe.each(EXAMPLE_TARGETS)('facts of BrandStack $brand/$stage', (target) => {
  const brand = registry.brands.find((b) => b.id === target.brand)!;
  const facts = () => factsOf(target);
  const cluster = () => facts().cluster!;
  const workload = () => cluster().workloads.find((w) => `${w.namespace}/${w.name}` === 'identity/token-service')!;
  const auditWriter = () => cluster().workloads.find((w) => `${w.namespace}/${w.name}` === 'identity/audit-writer')!;

  test('SSH is admitted once: to the bastion, from the brand VPN; the bastion is the only public host', () => {
    const ssh = facts().network.ingressRules.filter((r) => r.protocol !== 'udp' && (r.protocol === 'all' || r.ports === 'all' || (r.ports.from <= 22 && 22 <= r.ports.to)));
    expect(ssh.filter((r) => !(r.protocol === 'all' && r.source.kind === 'security-group'))).toEqual([
      { securityGroup: 'BastionSecurityGroup', protocol: 'tcp', ports: { from: 22, to: 22 }, source: { kind: 'cidr', cidr: brand.network.vpnCidr } },
    ]);
    expect(facts().network.publicHosts).toEqual([{ name: 'BastionInstance', via: { kind: 'elastic-ip', elasticIp: 'BastionAddress' }, securityGroups: ['BastionSecurityGroup'] }]);
    expect(facts().network.loadBalancers).toEqual([]);
    expect(facts().network.apiEndpoints).toEqual([{ cluster: 'Cluster', publicAccess: false, publicCidrs: [] }]);
  });

  test('every flow log and every secret is under the platform key', () => {
    const platform = platformKeyAlias(target.brand);
    for (const vpc of facts().network.vpcs) {
      expect(vpc.flowLogs.map((f) => [f.trafficType, f.destination.kind === 'log-group' && f.destination.key && keyLabel(f.destination.key)])).toEqual([['ALL', platform]]);
    }
    const secrets = workload().secrets;
    expect(secrets.map((s) => s.setting)).toEqual([
      'PLATFORM_ADMIN_CLIENT_SECRET',
      'KEY_ENCRYPTION_KEY',
      'CLIENT_SECRET_PEPPER',
      'SMOKE_TENANT',
      'SMOKE_CLIENT_ID',
      'SMOKE_CLIENT_SECRET',
      'DATABASE_URL',
      'AMQP_URL',
      'AUDIT_MONGO_URL',
    ]);
    for (const s of [...secrets, ...auditWriter().secrets]) {
      expect(s.source).toMatchObject({ kind: 'external-secrets', externalSecret: 'identity/identity-runtime', store: 'aws-secrets-manager' });
      const inputs = s.source.kind === 'external-secrets' ? s.source.inputs : [];
      expect(inputs.length).toBeGreaterThan(0);
      for (const { secret } of inputs) expect(secret.kind === 'stack' && keyLabel(secret.key)).toBe(platform);
    }
  });

  test('the rotated database password reaches running pods: a read-only 0400 file the kubelet refreshes, refreshed by the operator every minute', () => {
    const url = workload().secrets.find((s) => s.setting === 'DATABASE_URL')!;
    expect(url.via).toEqual({ kind: 'file', variable: 'DATABASE_URL_FILE', path: '/run/secrets/identity-runtime/DATABASE_URL', mode: 0o400, readOnly: true, subPath: false });
    expect(url.source).toMatchObject({ kind: 'external-secrets', refreshInterval: '1m', verbatim: false, connection: { kind: 'postgres', sslMode: 'verify-full' } });
    const inputs = url.source.kind === 'external-secrets' ? url.source.inputs : [];
    expect(inputs.map(({ secret, properties }) => [secret.kind === 'stack' && secret.name, properties])).toEqual([['BrandStackDatabaseClusterSecret', ['username', 'password', 'host', 'port']]]);
  });

  test("the runtime's connections: PostgreSQL verify-full, AMQPS to the brand's broker, DocumentDB over TLS with the RDS bundle", () => {
    const connection = (w: ReturnType<typeof workload>, setting: string) => {
      const source = w.secrets.find((s) => s.setting === setting)!.source;
      return source.kind === 'external-secrets' ? source.connection : undefined;
    };
    const bundle = '/app/certs/rds-global-bundle.pem';
    expect(connection(workload(), 'DATABASE_URL')).toEqual({ kind: 'postgres', sslMode: 'verify-full', rootCert: bundle });
    for (const w of [workload(), auditWriter()]) {
      expect(connection(w, 'AMQP_URL')).toEqual({ kind: 'amqp', tls: true });
      expect(connection(w, 'AUDIT_MONGO_URL')).toEqual({ kind: 'mongodb', tls: true, caFile: bundle, insecureOptions: [] });
    }
    const inputs = (setting: string) => {
      const source = auditWriter().secrets.find((s) => s.setting === setting)!.source;
      return source.kind === 'external-secrets' ? source.inputs.map(({ secret, properties }) => [secret.kind === 'stack' && secret.name, properties]) : [];
    };
    expect(inputs('AMQP_URL')).toEqual([['BrokerAdminSecret', ['username', 'password']]]);
    expect(inputs('AUDIT_MONGO_URL')).toEqual([[expect.stringMatching(/^MongoClusterSecret/), ['username', 'password', 'host', 'port']]]);
  });

  test('the audit writer: its own workload, reaching RabbitMQ (5671) and DocumentDB (27017) of the brand only, with no AWS identity', () => {
    const w = auditWriter();
    expect(w.podIdentity).toBeUndefined();
    expect(w.autoscaler).toEqual({ minReplicas: target.stage === 'high' ? 3 : 2, maxReplicas: target.stage === 'high' ? 12 : 6, cpuTarget: 70 });
    const egress = w.networkPolicies.filter((p) => p.policyTypes.includes('Egress')).flatMap((p) => p.egress.map((rule) => [p.name, rule.peers, rule.ports]));
    expect(egress).toEqual([
      ['allow-dns', [], [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]],
      ['allow-mesh', [{ kind: 'pods', namespace: { kind: 'same' }, podLabels: undefined }], [{ protocol: 'TCP', port: 15008 }]],
      ['audit-writer-allow-egress', [{ kind: 'ip-block', cidr: brand.network.rabbitCidr }], [{ protocol: 'TCP', port: 5671 }]],
      ['audit-writer-allow-egress', [{ kind: 'ip-block', cidr: brand.network.mongoCidr }], [{ protocol: 'TCP', port: 27017 }]],
    ]);
  });

  test("the secrets operator reads with its own Pod Identity role, GetSecretValue on the runtime's secrets only", () => {
    const [store] = cluster().secretStores;
    expect(store).toMatchObject({ kind: 'SecretStore', namespace: 'identity', name: 'aws-secrets-manager', provider: { kind: 'aws', service: 'SecretsManager', region: facts().placement.region } });
    const auth = store.provider.kind === 'aws' ? store.provider.auth : undefined;
    expect(auth?.kind === 'operator-pod-identity' && auth.roles.map((r) => r.role)).toEqual(['ClusterSecretsControllerRole']);
    const statements = auth?.kind === 'operator-pod-identity' ? auth.roles[0].statements : [];
    expect(statements.map((s) => s.actions)).toEqual([['secretsmanager:GetSecretValue'], ['kms:Decrypt']]);
  });

  test('the ingress: an internet-facing NLB terminating TLS 1.3/1.2 on 443 with the certificate of the stack hostname, validated through the brand zone; client IP kept, PROXY headers trusted only from the NLB subnets', () => {
    const [{ loadBalancer, entrypoints }] = cluster().ingress.controllers;
    // A direct deploy's environment is its stage name (lib/config/registry.ts).
    const hostname = stackHostname({ brand, environment: target.stage, region: { code: facts().placement.region } });
    const zone = hostedZoneFor(brand.dns, target.stage)!;
    expect(loadBalancer).toEqual({
      release: 'traefik',
      scheme: 'internet-facing',
      loadBalancerClass: 'eks.amazonaws.com/nlb',
      tlsPorts: '443',
      certificate: { kind: 'acm', domain: hostname, validation: 'DNS', alternativeNames: [], validationZones: [{ domain: hostname, zone: { kind: 'id', id: zone.id } }] },
      sslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      proxyProtocolV2: true,
    });
    const publicSubnets = facts().network.vpcs.flatMap((v) => v.subnets).filter((s) => s.group === 'Public').map((s) => s.cidr).sort();
    expect(publicSubnets).toHaveLength(3);
    expect([...cluster().ingress.loadBalancerSubnets.map((s) => s.cidr)].sort()).toEqual(publicSubnets);
    expect(entrypoints).toEqual([{ release: 'traefik', name: 'websecure', exposedPort: 443, tlsAtTraefik: false, trustedProxyCidrs: expect.any(Array) }]);
    expect([...entrypoints[0].trustedProxyCidrs!].sort()).toEqual(publicSubnets);
    expect(cluster().ingress.dns).toEqual({
      hostname,
      publisher: { kind: 'external-dns', release: 'external-dns', names: [hostname], zone: { kind: 'id', id: zone.id }, ownerId: facts().placement.stackName, policy: 'sync' },
      healthChecks: [],
    });
    // Outside production the stack answers, and issues tokens, on its own hostname.
    // /healthz/ready only exactly: Route 53 health checks of the regional name read it.
    expect(cluster().ingress.routes.map((r) => `${r.host}${r.path} ${r.pathType}`)).toEqual([
      `${hostname}/.well-known/ Prefix`,
      `${hostname}/healthz/ready Exact`,
      `${hostname}/t/ Prefix`,
    ]);
  });

  test('the cluster: private endpoint, secrets under the platform key, every control-plane log', () => {
    const cp = cluster().controlPlane;
    expect(cp.endpoint).toEqual({ publicAccess: false, privateAccess: true, publicCidrs: [] });
    expect(cp.envelopeEncryption.map((c) => [c.resources, keyLabel(c.key)])).toEqual([[['secrets'], platformKeyAlias(target.brand)]]);
    expect(cp.logTypes).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
  });
});
