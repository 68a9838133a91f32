import { randomInt } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { parse as parseConnectionString } from 'pg-connection-string';
import { parseProductionConfig } from '../../runtime/src/config/production-config';
import { parseMongoUrl } from '../../runtime/src/config/mongo-url';
import { parseAuditWriterConfig } from '../../runtime/src/audit-writer/audit-writer-config';
import { STAGE_PROFILES, type StageName } from '../../lib/config/stages';
import { KEY_MATERIAL, TRAEFIK_INGRESS } from '../../lib/charts/contract';
import { IDENTITY_SERVICES, IdentityChart, PROCESS_ENTRYPOINTS, type IdentityChartProps } from '../../lib/charts/identity-chart';
import { IdentityService, SECRET_FILES_DIR } from '../../lib/charts/identity-service';
import { DatabaseUrlFile } from '../../runtime/src/store/postgres/database-url-file';
import { validateManifests } from '../../lib/charts/manifest-validation';
import { AUDIT_WRITER_SECRETS, RDS_CA_BUNDLE_PATH, ROTATING_RUNTIME_SECRETS, RUNTIME_SECRETS, RuntimeSecret, type RuntimeSecretProps } from '../../lib/charts/runtime-secret';

const base: IdentityChartProps = {
  image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/runtime:abc',
  domain: 'id.acme.example.com',
  region: 'eu-central-1',
  brandId: 'acme',
  customers: ['acme-retail', 'globex'],
  minReplicas: 2,
  maxReplicas: 6,
  dataStores: { postgresCidrs: ['10.10.204.0/22', '10.10.208.0/22'], mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20' },
  ingress: TRAEFIK_INGRESS,
  trustedProxyCidrs: ['10.10.0.0/18', '10.10.64.0/18', '10.10.128.0/18'],
  securityTopicArn: 'arn:aws:sns:eu-central-1:111111111111:security',
  secretSources: {
    database: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:db-master-AbCdEf',
    platformAdminClientSecret: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:platform-admin-AbCdEf',
    keyEncryptionKey: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:kek-AbCdEf',
    clientSecretPepper: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:pepper-AbCdEf',
    broker: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:broker-admin-AbCdEf',
    auditStore: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:docdb-master-AbCdEf',
  },
  brokerEndpoint: 'b-0123abcd-4567-89ef-0123-456789abcdef.mq.eu-central-1.amazonaws.com:5671',
  auditRetentionDays: 400,
};

/** What each Deployment reads of the runtime Secret: the runtime everything, the audit writer its broker and trail only. */
const SECRETS_OF: Record<string, readonly string[]> = { 'token-service': RUNTIME_SECRETS, 'audit-writer': AUDIT_WRITER_SECRETS };

function chartFor(stage: StageName, overrides: Partial<IdentityChartProps> = {}): Array<Record<string, any>> {
  const profile = STAGE_PROFILES[stage];
  const chart = new IdentityChart(Testing.app(), 'identity', {
    ...base,
    minReplicas: profile.minReplicas,
    maxReplicas: profile.maxReplicas,
    strictZoneSpread: profile.strictZoneSpread,
    auditRetentionDays: profile.auditRetentionDays,
    ...overrides,
  });
  return Testing.synth(chart);
}

/**
 * Every Secret key a container reads: by environment reference, or as a file of a secret volume whose
 * path a `<NAME>_FILE` variable gives.
 */
function secretReads(pod: Record<string, any>, container: Record<string, any>): Array<{ variable: string; secret: string; key: string; via: 'env' | 'file' }> {
  const reads = container.env
    .filter((e: any) => e.valueFrom?.secretKeyRef)
    .map((e: any) => ({ variable: e.name, secret: e.valueFrom.secretKeyRef.name, key: e.valueFrom.secretKeyRef.key, via: 'env' as const }));
  for (const e of container.env.filter((v: any) => v.name.endsWith('_FILE'))) {
    const mount = container.volumeMounts.find((m: any) => e.value.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v: any) => v.name === mount?.name);
    const item = volume?.secret?.items?.find((i: any) => `${mount.mountPath}/${i.path}` === e.value);
    if (!item) throw new Error(`${e.name}=${e.value} is not a file of a secret volume`);
    reads.push({ variable: e.name, secret: volume.secret.secretName, key: item.key, via: 'file' });
  }
  return reads;
}

const ofKind = (objects: Array<Record<string, any>>, kind: string) => objects.filter((o) => o.kind === kind);
const named = (objects: Array<Record<string, any>>, kind: string, name: string) => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};

describe.each(['low', 'high'] as const)('IdentityChart (%s)', (stage) => {
  const objects = chartFor(stage);

  test('every object validates against the Kubernetes schemas', () => {
    expect(validateManifests(objects)).toEqual([]);
  });

  test('every Deployment is zone-spread, probed, bounded and hardened', () => {
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.name)).toEqual(['token-service', 'audit-writer']);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      expect(deployment.spec.replicas).toBeUndefined(); // the HPA owns it
      expect(pod.topologySpreadConstraints).toContainEqual(
        expect.objectContaining({
          topologyKey: 'topology.kubernetes.io/zone',
          maxSkew: 1,
          whenUnsatisfiable: stage === 'high' ? 'DoNotSchedule' : 'ScheduleAnyway',
          labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
        }),
      );
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.serviceAccountName).toBe(deployment.metadata.name);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
      for (const container of pod.containers) {
        expect(container.readinessProbe.httpGet).toMatchObject({ path: '/healthz/ready', port: 8080 });
        expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz/live', port: 8080 });
        expect(container.startupProbe.httpGet).toMatchObject({ port: 8080 });
        expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        // Secrets only by reference, each service exactly the keys it reads: the rotating ones as files of a
        // read-only secret volume (refreshed by the kubelet; never a subPath mount, which is not), the others
        // as environment variables.
        const wanted = SECRETS_OF[deployment.metadata.name]!;
        expect(secretReads(pod, container)).toEqual(
          wanted.map((key) =>
            (ROTATING_RUNTIME_SECRETS as readonly string[]).includes(key)
              ? { variable: `${key}_FILE`, secret: 'identity-runtime', key, via: 'file' }
              : { variable: key, secret: 'identity-runtime', key, via: 'env' },
          ).sort((a, b) => Number(a.via === 'file') - Number(b.via === 'file')),
        );
        for (const key of ROTATING_RUNTIME_SECRETS) expect(container.env.map((e: any) => e.name)).not.toContain(key);
        const files = wanted.filter((key) => (ROTATING_RUNTIME_SECRETS as readonly string[]).includes(key));
        for (const key of files) expect(container.env).toContainEqual({ name: `${key}_FILE`, value: `${SECRET_FILES_DIR}/identity-runtime/${key}` });
        const volume = pod.volumes.find((v: any) => v.name === 'secret-identity-runtime');
        expect({ ...volume, secret: { ...volume.secret, items: [...volume.secret.items].sort((x: any, y: any) => x.key.localeCompare(y.key)) } }).toEqual({
          name: 'secret-identity-runtime',
          secret: { secretName: 'identity-runtime', defaultMode: 0o400, items: [...files].sort().map((key) => ({ key, path: key })) },
        });
        expect(container.volumeMounts).toContainEqual({ name: 'secret-identity-runtime', mountPath: `${SECRET_FILES_DIR}/identity-runtime`, readOnly: true });
        for (const mount of container.volumeMounts) expect(mount.subPath).toBeUndefined();
        expect(container.env).toContainEqual({ name: 'HOST', value: '0.0.0.0' });
      }
    }
  });

  test.each(['token-service', 'audit-writer'])('%s has a PDB selecting its pods and an HPA with the stage bounds', (name) => {
    const profile = STAGE_PROFILES[stage];
    const selector = named(objects, 'Deployment', name).spec.selector.matchLabels;
    expect(named(objects, 'PodDisruptionBudget', name).spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: selector } });
    const hpa = named(objects, 'HorizontalPodAutoscaler', name).spec;
    expect(hpa).toMatchObject({ minReplicas: profile.minReplicas, maxReplicas: profile.maxReplicas, scaleTargetRef: { kind: 'Deployment', name } });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(stage === 'high' ? 3 : 2);
  });

  test('each Deployment runs its own entrypoint of the one image', () => {
    expect(IDENTITY_SERVICES.map((s) => [s.name, s.process])).toEqual([
      ['token-service', 'runtime'],
      ['audit-writer', 'audit-writer'],
    ]);
    for (const spec of IDENTITY_SERVICES) {
      const container = named(objects, 'Deployment', spec.name).spec.template.spec.containers[0];
      expect(container.image).toBe(base.image);
      expect(container.args).toEqual([PROCESS_ENTRYPOINTS[spec.process!]]);
    }
    expect(PROCESS_ENTRYPOINTS).toEqual({ runtime: 'dist/runtime/server.js', 'audit-writer': 'dist/runtime/audit-writer.js' });
  });

  test('the audit writer keeps events for the stage retention and has no AWS settings', () => {
    const env = named(objects, 'Deployment', 'audit-writer').spec.template.spec.containers[0].env;
    const plain = Object.fromEntries(env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
    expect(plain).toEqual({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '8080',
      AUDIT_MONGO_DATABASE: 'brandstack',
      AUDIT_RETENTION_DAYS: String(STAGE_PROFILES[stage].auditRetentionDays),
      AMQP_URL_FILE: `${SECRET_FILES_DIR}/identity-runtime/AMQP_URL`,
      AUDIT_MONGO_URL_FILE: `${SECRET_FILES_DIR}/identity-runtime/AUDIT_MONGO_URL`,
    });
    // The runtime's audit API reads the same database.
    expect(named(objects, 'Deployment', 'token-service').spec.template.spec.containers[0].env).toContainEqual({ name: 'AUDIT_MONGO_DATABASE', value: 'brandstack' });
  });

  test('the namespace denies all traffic by default and opens only the listed flows', () => {
    expect(named(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    // Data stores and AWS are each service's own egress, not the namespace's.
    const namespaceWide = ofKind(objects, 'NetworkPolicy').filter((p) => Object.keys(p.spec.podSelector).length === 0);
    expect(namespaceWide.map((p) => p.metadata.name)).toEqual(['default-deny', 'allow-dns', 'allow-mesh']);
    const selector = (name: string) => ({ matchLabels: named(objects, 'Deployment', name).spec.selector.matchLabels });
    expect(named(objects, 'NetworkPolicy', 'token-service-allow-egress').spec).toEqual({
      podSelector: selector('token-service'),
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.10.204.0/22' } }, { ipBlock: { cidr: '10.10.208.0/22' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
        { to: [{ ipBlock: { cidr: '10.12.0.0/20' } }], ports: [{ protocol: 'TCP', port: 5671 }] },
        { to: [{ ipBlock: { cidr: '10.11.0.0/20' } }], ports: [{ protocol: 'TCP', port: 27017 }] },
        { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
        { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] },
      ],
    });
    // The audit writer: RabbitMQ (AMQPS) and DocumentDB, nothing else: no PostgreSQL, no AWS API, no ingress from outside.
    expect(named(objects, 'NetworkPolicy', 'audit-writer-allow-egress').spec).toEqual({
      podSelector: selector('audit-writer'),
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.12.0.0/20' } }], ports: [{ protocol: 'TCP', port: 5671 }] },
        { to: [{ ipBlock: { cidr: '10.11.0.0/20' } }], ports: [{ protocol: 'TCP', port: 27017 }] },
      ],
    });
    expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'audit-writer-allow-ingress')).toBeUndefined();
    expect(named(objects, 'NetworkPolicy', 'allow-dns').spec.egress).toEqual([{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]);
    const fromIngress = named(objects, 'NetworkPolicy', 'token-service-allow-ingress').spec;
    expect(fromIngress.policyTypes).toEqual(['Ingress']);
    expect(fromIngress.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } },
    ]);
    // No policy opens ingress from anywhere.
    for (const policy of ofKind(objects, 'NetworkPolicy')) {
      for (const rule of policy.spec.ingress ?? []) expect(rule.from?.length ?? 0).toBeGreaterThan(0);
    }
  });

  test('strict mTLS in an ambient-mesh namespace that enforces the restricted pod security standard', () => {
    expect(named(objects, 'PeerAuthentication', 'default').spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(named(objects, 'Namespace', 'identity').metadata.labels).toMatchObject({
      'istio.io/dataplane-mode': 'ambient',
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  test('the public route applies per-client-IP request-rate and concurrency limits', () => {
    const ingress = named(objects, 'Ingress', 'identity-public');
    // The TLS listener the controller exposes behind the NLB (IngressController's Helm values use the same name).
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.entrypoints']).toBe('websecure');
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      'identity-client-rate-limit@kubernetescrd,identity-client-concurrency@kubernetescrd',
    );
    const backend = { service: { name: 'token-service', port: { number: 8080 } } };
    expect(ingress.spec.rules).toEqual([
      {
        host: 'id.acme.example.com',
        http: {
          paths: [
            { path: '/.well-known/', pathType: 'Prefix', backend },
            { path: '/healthz/ready', pathType: 'Exact', backend },
            { path: '/t/', pathType: 'Prefix', backend },
          ],
        },
      },
    ]);
    expect(named(objects, 'Middleware', 'client-rate-limit').spec).toEqual({
      rateLimit: { average: 20, period: '1s', burst: 40, sourceCriterion: { ipStrategy: { depth: 0 } } },
    });
    expect(named(objects, 'Middleware', 'client-concurrency').spec).toEqual({ inFlightReq: { amount: 20, sourceCriterion: { ipStrategy: { depth: 0 } } } });
  });
});

test('the admin API, metrics and liveness are not routed from the internet; readiness only exactly, for Route 53 health checks', () => {
  const rules: Array<{ path: string; pathType: string }> = chartFor('high')
    .filter((o: any) => o.kind === 'Ingress')
    .flatMap((o: any) => o.spec.rules.flatMap((r: any) => r.http.paths));
  const paths = rules.map((r) => r.path);
  // Kubernetes Prefix matching is per path element: '/' or '/admin' would expose them; Exact matches only itself.
  const exposes = (rule: { path: string; pathType: string }, path: string) =>
    rule.pathType === 'Exact' ? rule.path === path : rule.path === '/' || path === rule.path || path.startsWith(rule.path.replace(/\/$/, '') + '/');
  for (const internal of ['/admin/tenants', '/metrics', '/healthz/live', '/healthz/ready/extra']) {
    expect(rules.filter((rule) => exposes(rule, internal))).toEqual([]);
  }
  expect(rules.filter((r) => r.path.startsWith('/healthz'))).toEqual([{ path: '/healthz/ready', pathType: 'Exact', backend: expect.anything() }]);
  expect(paths.length).toBeGreaterThan(0);
});

test("the end user's endpoints are per tenant, so the /t/ prefix routes them: authorization, sign-in, userinfo, logout", () => {
  const rules: Array<{ path: string; pathType: string }> = chartFor('high')
    .filter((o: any) => o.kind === 'Ingress')
    .flatMap((o: any) => o.spec.rules.flatMap((r: any) => r.http.paths));
  const routed = (path: string) =>
    rules.some((rule) => (rule.pathType === 'Exact' ? rule.path === path : path === rule.path || path.startsWith(rule.path.replace(/\/$/, '') + '/')));
  for (const path of ['/t/acme-retail/authorize', '/t/acme-retail/sign-in', '/t/acme-retail/userinfo', '/t/acme-retail/logout', '/t/acme-retail/token']) {
    expect([path, routed(path)]).toEqual([path, true]);
  }
  // Prefix matching is per path element: '/t/' does not reach a sibling such as '/tenants'.
  expect(routed('/tenants/acme-retail')).toBe(false);
});

test("the runtime trusts X-Forwarded-For only from the ingress controller's pod addresses, and is told the security topic", () => {
  const objects = chartFor('high', { trustedProxyCidrs: ['10.20.0.0/18', '10.20.64.0/18'], securityTopicArn: 'arn:aws:sns:eu-central-1:111111111111:brand-security' });
  const env = named(objects, 'Deployment', 'token-service').spec.template.spec.containers[0].env;
  expect(env).toContainEqual({ name: 'TRUSTED_PROXY_CIDRS', value: '10.20.0.0/18,10.20.64.0/18' });
  expect(env).toContainEqual({ name: 'SECURITY_TOPIC_ARN', value: 'arn:aws:sns:eu-central-1:111111111111:brand-security' });
  // Those addresses can reach the runtime only as the ingress controller: its NetworkPolicy admits no other pod from outside the namespace.
  const fromOutside = named(objects, 'NetworkPolicy', 'token-service-allow-ingress').spec.ingress.flatMap((rule: any) => rule.from);
  expect(fromOutside).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }]);
});

test('the runtime is told its key providers, brand and customers as plain settings; the audit writer none of them', () => {
  const objects = chartFor('high', { brandId: 'koala', customers: ['koala-mobile', 'koala-broadband'] });
  const container = named(objects, 'Deployment', 'token-service').spec.template.spec.containers[0];
  const settings = ['PII_KEY_PROVIDER', 'SIGNING_KEY_SEAL', 'BRANDSTACK_BRAND', 'BRANDSTACK_CUSTOMERS', 'AWS_REGION'];
  // Plain values, in the manifest: none is a secret, and none may be read from the runtime Secret.
  expect(container.env.filter((e: any) => settings.includes(e.name))).toEqual([
    { name: 'AWS_REGION', value: 'eu-central-1' },
    { name: 'PII_KEY_PROVIDER', value: 'kms' },
    { name: 'SIGNING_KEY_SEAL', value: 'kms' },
    { name: 'BRANDSTACK_BRAND', value: 'koala' },
    { name: 'BRANDSTACK_CUSTOMERS', value: 'koala-mobile,koala-broadband' },
  ]);
  // Never the insecure local provider's escape hatch.
  expect(container.env.map((e: any) => e.name)).not.toContain('ALLOW_INSECURE_LOCAL_KEYS');
  // KEY_ENCRYPTION_KEY stays delivered: it opens signing keys sealed before SIGNING_KEY_SEAL=kms (v1 rows).
  expect(secretReads(named(objects, 'Deployment', 'token-service').spec.template.spec, container).map((r) => r.variable)).toContain('KEY_ENCRYPTION_KEY');
  const writer = named(objects, 'Deployment', 'audit-writer').spec.template.spec.containers[0];
  expect(writer.env.map((e: any) => e.name).filter((name: string) => settings.includes(name) || name === 'KEY_ENCRYPTION_KEY')).toEqual([]);
});

test('adding a service is one entry: it gets the same hardened objects (a runtime process unless it says otherwise)', () => {
  const objects = chartFor('high', { services: [{ name: 'token-service', publicPaths: ['/'] }, { name: 'audit-service', publicPaths: [] }] });
  for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) {
    expect(ofKind(objects, kind).map((o) => o.metadata.name).sort()).toEqual(['audit-service', 'token-service']);
  }
  // An internal service is not reachable from the ingress controller.
  expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'audit-service-allow-ingress')).toBeUndefined();
  expect(validateManifests(objects)).toEqual([]);
});

describe('the runtime Secret', () => {
  const objects = chartFor('high');
  const external = () => named(objects, 'ExternalSecret', 'identity-runtime');

  test('every secret the Deployment reads is written by the ExternalSecret, from the SecretStore of the namespace', () => {
    const store = named(objects, 'SecretStore', 'aws-secrets-manager');
    expect(store.metadata.namespace).toBe('identity');
    // No credentials of its own: the operator's Pod Identity role.
    expect(store.spec).toEqual({ provider: { aws: { service: 'SecretsManager', region: 'eu-central-1' } } });
    const spec = external().spec;
    expect(external().metadata.namespace).toBe('identity');
    expect(spec.secretStoreRef).toEqual({ kind: 'SecretStore', name: 'aws-secrets-manager' });
    expect(spec.target).toMatchObject({ name: 'identity-runtime', creationPolicy: 'Owner' });
    for (const name of ['token-service', 'audit-writer']) {
      const pod = named(objects, 'Deployment', name).spec.template.spec;
      const read = secretReads(pod, pod.containers[0]);
      expect(read.map((r) => r.key).sort()).toEqual([...SECRETS_OF[name]!].sort());
      for (const ref of read) {
        expect(ref.secret).toBe(spec.target.name);
        expect(Object.keys(spec.target.template.data)).toContain(ref.key);
      }
    }
    expect(Object.keys(spec.target.template.data).sort()).toEqual([...RUNTIME_SECRETS].sort());
  });

  test('the operator re-reads Secrets Manager every minute, so a rotated database password reaches the pods within minutes', () => {
    expect(external().spec.refreshInterval).toBe('1m');
  });

  test('values come from the six Secrets Manager secrets, each URL from its store credentials', () => {
    const refs = Object.fromEntries(external().spec.data.map((d: any) => [d.secretKey, d.remoteRef]));
    const { secretSources } = base;
    expect(refs).toEqual({
      dbUsername: { key: secretSources.database, property: 'username' },
      dbPassword: { key: secretSources.database, property: 'password' },
      dbHost: { key: secretSources.database, property: 'host' },
      dbPort: { key: secretSources.database, property: 'port' },
      platformAdminClientSecret: { key: secretSources.platformAdminClientSecret },
      keyEncryptionKey: { key: secretSources.keyEncryptionKey },
      clientSecretPepper: { key: secretSources.clientSecretPepper },
      brokerUsername: { key: secretSources.broker, property: 'username' },
      brokerPassword: { key: secretSources.broker, property: 'password' },
      mongoUsername: { key: secretSources.auditStore, property: 'username' },
      mongoPassword: { key: secretSources.auditStore, property: 'password' },
      mongoHost: { key: secretSources.auditStore, property: 'host' },
      mongoPort: { key: secretSources.auditStore, property: 'port' },
    });
    const data = external().spec.target.template.data;
    expect(data.AMQP_URL).toBe(`amqps://{{ .brokerUsername | urlquery }}:{{ .brokerPassword | urlquery }}@${base.brokerEndpoint}`);
    expect(data.AUDIT_MONGO_URL).toBe(
      `mongodb://{{ .mongoUsername | urlquery }}:{{ .mongoPassword | urlquery }}@{{ .mongoHost }}:{{ .mongoPort }}/?tls=true&tlsCAFile=${RDS_CA_BUNDLE_PATH}&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`,
    );
  });

  test('the key material alphabet is exactly base64: Secrets Manager characters minus the exclusions', () => {
    // Secrets Manager's generator: letters, digits and this punctuation (GetRandomPassword, ExcludePunctuation).
    const punctuation = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const alphabet = [...letters + punctuation].filter((c) => !KEY_MATERIAL.excludeCharacters.includes(c));
    expect(alphabet.sort().join('')).toBe([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].sort().join(''));
    expect(KEY_MATERIAL.characters * 6).toBeGreaterThanOrEqual(KEY_MATERIAL.bytes * 8);
  });

  test('the rendered Secret, as the Deployment reads it (environment and mounted file), passes the runtime production config', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const generated = (length: number, chars: string) => Array.from({ length }, () => chars[randomInt(chars.length)]).join('');
    // An RDS-generated password keeps , - . = ^ _ of the punctuation: all need to survive the URL.
    const password = `Ab1,-.=^_${generated(20, 'xyz019')}`;
    const input: Record<string, string> = {
      dbUsername: 'brandstack_admin',
      dbPassword: password,
      dbHost: 'brandstack-acme-high.cluster-abc.eu-central-1.rds.amazonaws.com',
      dbPort: '5432',
      platformAdminClientSecret: generated(64, alphabet.slice(0, 62)),
      keyEncryptionKey: generated(KEY_MATERIAL.characters, alphabet),
      clientSecretPepper: generated(KEY_MATERIAL.characters, alphabet),
      // RabbitBroker's generator excludes , : = % + ~ ` # $ & * ( ) | [ ] { } < > ? ! ' / @ " \ ; and space.
      brokerUsername: 'brandstack_admin',
      brokerPassword: `A1.-_^${generated(20, 'xyz019')}`,
      mongoUsername: 'brandstack_admin',
      mongoPassword: `Zq9,-.=^_${generated(20, 'abc789')}`,
      mongoHost: 'brandstack-acme-high.cluster-def.eu-central-1.docdb.amazonaws.com',
      mongoPort: '27017',
    };
    // Go's url.QueryEscape (the template's urlquery): everything but letters, digits and -_.~ is %XX.
    const queryEscape = (v: string) => v.replace(/[^A-Za-z0-9\-_.~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
    const render = (template: string) =>
      template.replace(/\{\{ \.(\w+)( \| urlquery)? \}\}/g, (_, name: string, escape?: string) => (escape ? queryEscape(input[name]) : input[name]));
    const secret = Object.fromEntries(Object.entries<string>(external().spec.target.template.data).map(([k, v]) => [k, render(v)]));
    // The image's RDS CA bundle, and the secret volume, in a scratch directory standing in for the pod's filesystem.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-fs-'));
    const bundle = path.join(root, 'rds-ca.pem');
    fs.writeFileSync(bundle, 'RDS CA');
    /** The environment one Deployment's container sees, its secret files written under `root`. */
    const environmentOf = (deployment: string): Record<string, string> => {
      const pod = named(objects, 'Deployment', deployment).spec.template.spec;
      const container = pod.containers[0];
      const plain = Object.fromEntries(container.env.filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value]));
      const env: Record<string, string> = { ...plain };
      for (const read of secretReads(pod, container)) {
        if (read.via === 'env') {
          env[read.variable] = secret[read.key];
          continue;
        }
        const file = path.join(root, plain[read.variable]);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, secret[read.key].replace(RDS_CA_BUNDLE_PATH, bundle));
        env[read.variable] = file;
      }
      return env;
    };
    const env = environmentOf('token-service');

    const config = parseProductionConfig(env);
    expect(config.databaseUrlFile).toBe(path.join(root, SECRET_FILES_DIR, 'identity-runtime', 'DATABASE_URL'));
    expect(config.keyEncryptionKey).toHaveLength(32);
    expect(config.clientSecretPepper).toHaveLength(32);
    expect(config.platformAdminClientSecret).toBe(input.platformAdminClientSecret);
    // AMQPS to the broker, with its credentials decoded back from the URL.
    const amqp = new URL(config.amqpUrl);
    expect([amqp.protocol, amqp.hostname, amqp.port, decodeURIComponent(amqp.username), decodeURIComponent(amqp.password)]).toEqual([
      'amqps:',
      'b-0123abcd-4567-89ef-0123-456789abcdef.mq.eu-central-1.amazonaws.com',
      '5671',
      'brandstack_admin',
      input.brokerPassword,
    ]);
    // DocumentDB over TLS with the bundle, as the runtime's audit API and the audit writer read it.
    expect(parseMongoUrl(env, 'AUDIT_MONGO_URL')).toMatchObject({ variable: 'AUDIT_MONGO_URL_FILE', hosts: [input.mongoHost], tls: true });
    const writer = parseAuditWriterConfig(environmentOf('audit-writer'));
    expect(writer).toMatchObject({ database: 'brandstack', retentionDays: 400, host: '0.0.0.0', port: 8080, amqp: { url: config.amqpUrl, variable: 'AMQP_URL_FILE' } });
    const mongo = new URL(writer.mongo.url);
    expect([decodeURIComponent(mongo.password), mongo.searchParams.get('tls'), mongo.searchParams.get('tlsCAFile'), mongo.searchParams.get('retryWrites')]).toEqual([input.mongoPassword, 'true', bundle, 'false']);
    // The first 256 of the 258 generated bits are the key.
    expect(config.keyEncryptionKey!.toString('base64').slice(0, 42)).toBe(input.keyEncryptionKey.slice(0, 42));

    // node-postgres parses the URL (pg-connection-string): verify-full TLS against the RDS bundle in the image.
    const parsed = parseConnectionString(config.databaseUrl);
    expect(parsed).toMatchObject({ user: 'brandstack_admin', password, host: input.dbHost, port: '5432', database: 'postgres', sslmode: 'verify-full' });
    expect(parsed.ssl).toEqual({ ca: 'RDS CA' });
    // The pool the runtime builds from the file: settings of the start, the password read from the file per connection.
    const file = new DatabaseUrlFile(config.databaseUrlFile!, config.databaseUrl);
    expect(file.poolConfig()).toMatchObject({ user: 'brandstack_admin', host: input.dbHost, port: 5432, database: 'postgres', ssl: { ca: 'RDS CA' } });
    expect(await file.currentPassword()).toBe(password);
  });

  test.each([
    [{ databaseName: 'Identity-DB' }, /RuntimeSecret: 'databaseName' must be a lower-case PostgreSQL identifier \(got 'Identity-DB'\)/],
    [{ refreshInterval: '0h' }, /RuntimeSecret: 'refreshInterval' must be a positive duration such as 1h \(got '0h'\)/],
    [{ refreshInterval: 'daily' }, /RuntimeSecret: 'refreshInterval' must be a positive duration/],
  ] as Array<[Partial<RuntimeSecretProps>, RegExp]>)('bad input %j names the prop', (overrides, message) => {
    const props: RuntimeSecretProps = { namespace: 'identity', secretName: 'identity-runtime', region: 'eu-central-1', sources: base.secretSources, brokerEndpoint: base.brokerEndpoint, ...overrides };
    expect(() => new RuntimeSecret(new Chart(Testing.app(), 'c'), 'RuntimeSecret', props)).toThrow(message);
  });

  test('a template that reads a value nobody provides fails validation', () => {
    const broken = structuredClone(external());
    broken.spec.target.template.data.PLATFORM_ADMIN_CLIENT_SECRET = '{{ .platformAdminClientSecre }}';
    broken.spec.refreshInterval = 'hourly';
    const problems = validateManifests([broken]);
    expect(problems).toHaveLength(1);
    expect(problems[0].problems).toEqual([
      'spec.refreshInterval must be a duration such as 1h',
      'spec.target.template.data.PLATFORM_ADMIN_CLIENT_SECRET reads .platformAdminClientSecre, which spec.data does not provide',
    ]);
  });
});

describe('manifest validation', () => {
  test('rejects an object that breaks the Kubernetes schema', () => {
    const objects = chartFor('low');
    const broken = structuredClone(named(objects, 'Deployment', 'token-service'));
    broken.spec.replicas = 'three';
    delete broken.spec.selector;
    const problems = validateManifests([broken]);
    expect(problems).toHaveLength(1);
    expect(problems[0].object).toBe('Deployment identity/token-service');
    expect(problems[0].problems.join(' ')).toMatch(/selector/);
    expect(problems[0].problems.join(' ')).toMatch(/replicas must be integer/);
  });

  test('a chart that produces an invalid object fails validation', () => {
    const app = new App();
    const chart = new Chart(app, 'bad');
    new IdentityService(chart, 'svc', { name: 'svc', namespace: 'identity', image: 'x:1', minReplicas: 2, maxReplicas: 3 });
    new ApiObject(chart, 'BadPolicy', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'bad', namespace: 'identity' }, spec: { podSelector: {}, policyTypes: 'Ingress' } });
    const problems = validateManifests(chart.toJson());
    expect(problems.map((p) => p.object)).toEqual(['NetworkPolicy identity/bad']);
  });

  test('rejects kinds it has no schema for, and malformed custom resources', () => {
    const problems = validateManifests([
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
      { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'p' }, spec: { mtls: { mode: 'STRICTLY' } } },
      { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: { name: 'm' }, spec: { rateLimit: { average: 0 } } },
      { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 's' }, spec: { provider: { aws: { service: 'S3' } } } },
      { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'e' }, spec: { secretStoreRef: { name: 's' }, data: [{ secretKey: 'a', remoteRef: {} }] } },
    ]);
    expect(problems.map((p) => p.object)).toEqual(['Widget w', 'PeerAuthentication p', 'Middleware m', 'SecretStore s', 'ExternalSecret e']);
  });
});

describe('bad input names the prop', () => {
  test.each([
    [{ minReplicas: 1 }, /'minReplicas' must be an integer of at least 2/],
    [{ minReplicas: 4, maxReplicas: 3 }, /'maxReplicas' \(3\) must be an integer not below 'minReplicas' \(4\)/],
    [{ services: [{ name: 'Token_Service', publicPaths: [] }] }, /'name' must be a DNS-1035 label/],
    [{ services: [{ name: 'a', publicPaths: [] }, { name: 'a', publicPaths: [] }] }, /service 'a' is listed twice in 'services'/],
    [{ ingress: { ...base.ingress, requestsPerSecond: 0 } }, /'ingress.requestsPerSecond' must be a positive integer/],
    [{ ingress: { ...base.ingress, concurrentRequests: 2.5 } }, /'ingress.concurrentRequests' must be a positive integer/],
    [{ dataStores: { ...base.dataStores, postgresCidrs: [] } }, /IdentityChart: 'dataStores.postgresCidrs' must list at least one CIDR/],
    [{ serviceDefaults: { cpuRequestMillis: 500, cpuLimitMillis: 100 } }, /'cpuLimitMillis' \(100\) must not be below 'cpuRequestMillis' \(500\)/],
    [{ serviceDefaults: { targetCpuUtilization: 0 } }, /'targetCpuUtilization' must be in 1..100/],
    [{ secretSources: { ...base.secretSources, platformAdminClientSecret: '' } }, /RuntimeSecret: 'sources.platformAdminClientSecret' must name a Secrets Manager secret/],
    [{ secretSources: { ...base.secretSources, broker: '' } }, /RuntimeSecret: 'sources.broker' must name a Secrets Manager secret/],
    [{ brokerEndpoint: 'amqps://b-1.mq.eu-central-1.amazonaws.com:5671' }, /RuntimeSecret: 'brokerEndpoint' must be host:port of the broker's AMQPS listener/],
    [{ auditRetentionDays: 0 }, /IdentityChart: 'auditRetentionDays' must be an integer from 1 to 3653, the audit writer's bounds \(got 0\)/],
    [{ auditRetentionDays: 36.5 }, /'auditRetentionDays' must be an integer/],
    [{ dataStores: { ...base.dataStores, mongoCidr: '10.11.0.1/20' } }, /IdentityChart: 'dataStores.mongoCidr' entry '10.11.0.1\/20' has host bits set/],
    [{ services: [{ name: 'audit-writer', process: 'audit-writer', publicPaths: ['/audit/'] }] }, /IdentityChart: service 'audit-writer' runs the audit writer, which serves no public route/],
    [{ trustedProxyCidrs: [] }, /IdentityChart: 'trustedProxyCidrs' must list at least one CIDR/],
    [{ trustedProxyCidrs: ['10.20.0.0/18', '10.20.0.1/18'] }, /IdentityChart: 'trustedProxyCidrs' entry '10.20.0.1\/18' has host bits set/],
    [{ trustedProxyCidrs: ['ingress'] }, /IdentityChart: 'trustedProxyCidrs' entry 'ingress' is not an IPv4 CIDR/],
    [{ securityTopicArn: ' ' }, /IdentityChart: 'securityTopicArn' must name the security SNS topic/],
    [{ brandId: '' }, /IdentityChart: 'brandId' must be a brand id .* got ''/],
    [{ brandId: 'Acme' }, /IdentityChart: 'brandId' must be a brand id .* got 'Acme'/],
    [{ customers: [] }, /IdentityChart: 'customers' must list at least one customer/],
    [{ customers: ['globex', 'acme,retail'] }, /IdentityChart: 'customers\[1\]' must be a customer id .* got 'acme,retail'/],
    [{ customers: ['acme_retail'] }, /IdentityChart: 'customers\[0\]' must be a customer id/],
    [{ customers: ['platform'] }, /IdentityChart: 'customers\[0\]' cannot be 'platform', the platform key's name/],
    [{ customers: ['globex', 'globex'] }, /IdentityChart: 'customers' lists 'globex' more than once/],
  ] as Array<[Partial<IdentityChartProps>, RegExp]>)('%j', (overrides, message) => {
    expect(() => new IdentityChart(Testing.app(), 'identity', { ...base, ...overrides })).toThrow(message);
  });

  test('a variable given both as a secret file and otherwise is refused', () => {
    const props = { name: 'svc', namespace: 'identity', image: 'x:1', minReplicas: 2, maxReplicas: 3 };
    const ref = { secretName: 'identity-runtime', key: 'DATABASE_URL' };
    expect(() => new IdentityService(new Chart(Testing.app(), 'c'), 'svc', { ...props, env: { DATABASE_URL_FILE: '/x' }, secretFiles: { DATABASE_URL_FILE: ref } })).toThrow(
      "IdentityService svc: variable DATABASE_URL_FILE is set twice across 'env', 'secretEnv' and 'secretFiles'",
    );
  });
});
