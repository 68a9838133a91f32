import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { STAGE_PROFILES, type StageName } from '../../lib/config/stages';
import { IdentityChart, RUNTIME_SECRETS, type IdentityChartProps } from '../../lib/charts/identity-chart';
import { IdentityService } from '../../lib/charts/identity-service';
import { validateManifests } from '../../lib/charts/manifest-validation';

const base: IdentityChartProps = {
  image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/runtime:abc',
  domain: 'id.acme.example.com',
  region: 'eu-central-1',
  minReplicas: 2,
  maxReplicas: 6,
  dataStores: { postgresCidrs: ['10.10.204.0/22', '10.10.208.0/22'], mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20' },
  ingress: { controllerNamespace: 'traefik', controllerPodLabels: { 'app.kubernetes.io/name': 'traefik' }, ingressClassName: 'traefik' },
};

function chartFor(stage: StageName, overrides: Partial<IdentityChartProps> = {}): Array<Record<string, any>> {
  const profile = STAGE_PROFILES[stage];
  const chart = new IdentityChart(Testing.app(), 'identity', {
    ...base,
    minReplicas: profile.minReplicas,
    maxReplicas: profile.maxReplicas,
    strictZoneSpread: profile.strictZoneSpread,
    ...overrides,
  });
  return Testing.synth(chart);
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
    expect(deployments.map((d) => d.metadata.name)).toEqual(['token-service']);
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
        // Secrets only by reference.
        for (const name of RUNTIME_SECRETS) {
          expect(container.env).toContainEqual({ name, valueFrom: { secretKeyRef: { name: 'identity-runtime', key: name } } });
        }
        expect(container.env).toContainEqual({ name: 'HOST', value: '0.0.0.0' });
      }
    }
  });

  test('each service has a PDB selecting its pods and an HPA with the stage bounds', () => {
    const profile = STAGE_PROFILES[stage];
    const selector = named(objects, 'Deployment', 'token-service').spec.selector.matchLabels;
    expect(named(objects, 'PodDisruptionBudget', 'token-service').spec).toMatchObject({ maxUnavailable: 1, selector: { matchLabels: selector } });
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'token-service').spec;
    expect(hpa).toMatchObject({ minReplicas: profile.minReplicas, maxReplicas: profile.maxReplicas, scaleTargetRef: { kind: 'Deployment', name: 'token-service' } });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(stage === 'high' ? 3 : 2);
  });

  test('the namespace denies all traffic by default and opens only the listed flows', () => {
    expect(named(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dataStores = named(objects, 'NetworkPolicy', 'allow-data-stores').spec.egress;
    expect(dataStores).toEqual([
      { to: [{ ipBlock: { cidr: '10.10.204.0/22' } }, { ipBlock: { cidr: '10.10.208.0/22' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
      { to: [{ ipBlock: { cidr: '10.11.0.0/20' } }], ports: [{ protocol: 'TCP', port: 27017 }] },
      { to: [{ ipBlock: { cidr: '10.12.0.0/20' } }], ports: [{ protocol: 'TCP', port: 5671 }] },
    ]);
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
    expect(ingress.metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']).toBe(
      'identity-client-rate-limit@kubernetescrd,identity-client-concurrency@kubernetescrd',
    );
    expect(ingress.spec.rules).toEqual([
      { host: 'id.acme.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'token-service', port: { number: 8080 } } } }] } },
    ]);
    expect(named(objects, 'Middleware', 'client-rate-limit').spec).toEqual({
      rateLimit: { average: 20, period: '1s', burst: 40, sourceCriterion: { ipStrategy: { depth: 0 } } },
    });
    expect(named(objects, 'Middleware', 'client-concurrency').spec).toEqual({ inFlightReq: { amount: 20, sourceCriterion: { ipStrategy: { depth: 0 } } } });
  });
});

test('adding a service is one entry: it gets the same hardened objects', () => {
  const objects = chartFor('high', { services: [{ name: 'token-service', publicPaths: ['/'] }, { name: 'audit-service', publicPaths: [] }] });
  for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'HorizontalPodAutoscaler']) {
    expect(ofKind(objects, kind).map((o) => o.metadata.name).sort()).toEqual(['audit-service', 'token-service']);
  }
  // An internal service is not reachable from the ingress controller.
  expect(objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'audit-service-allow-ingress')).toBeUndefined();
  expect(validateManifests(objects)).toEqual([]);
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
    ]);
    expect(problems.map((p) => p.object)).toEqual(['Widget w', 'PeerAuthentication p', 'Middleware m']);
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
    [{ dataStores: { ...base.dataStores, postgresCidrs: [] } }, /'dataStores.postgresCidrs' must list at least one CIDR/],
    [{ serviceDefaults: { cpuRequestMillis: 500, cpuLimitMillis: 100 } }, /'cpuLimitMillis' \(100\) must not be below 'cpuRequestMillis' \(500\)/],
    [{ serviceDefaults: { targetCpuUtilization: 0 } }, /'targetCpuUtilization' must be in 1..100/],
  ] as Array<[Partial<IdentityChartProps>, RegExp]>)('%j', (overrides, message) => {
    expect(() => new IdentityChart(Testing.app(), 'identity', { ...base, ...overrides })).toThrow(message);
  });
});
