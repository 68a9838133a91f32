import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-34';
import { TRAEFIK_INGRESS } from '../../lib/charts/contract';
import { IngressRoutes, type IngressRoutesProps } from '../../lib/charts/ingress-routes';

function render(overrides: Partial<IngressRoutesProps> = {}, withRoute = true) {
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  const deployment = new kplus.Deployment(chart, 'App', { containers: [{ image: 'x:1', portNumber: 8080 }] });
  const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'app' }, selector: deployment, ports: [{ port: 8080 }] });
  const routes = withRoute ? [{ service, port: 8080, paths: ['/t/', '/.well-known/'] }] : [];
  const construct = new IngressRoutes(chart, 'Routes', { name: 'public', namespace: 'identity', hosts: ['id.example.com'], ingress: TRAEFIK_INGRESS, routes, ...overrides });
  return { construct, objects: Testing.synth(chart) };
}

test('each route gets the per-client limits, on the entry point and IngressClass of the controller', () => {
  const { objects } = render();
  const ingress = objects.find((o) => o.kind === 'Ingress');
  expect(ingress.metadata).toMatchObject({ name: 'public', namespace: 'identity' });
  expect(ingress.metadata.annotations).toEqual({
    'traefik.ingress.kubernetes.io/router.entrypoints': TRAEFIK_INGRESS.entryPoint,
    'traefik.ingress.kubernetes.io/router.middlewares': 'identity-client-rate-limit@kubernetescrd,identity-client-concurrency@kubernetescrd',
  });
  expect(ingress.spec.ingressClassName).toBe(TRAEFIK_INGRESS.ingressClassName);
  expect(ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => [r.host, p.path, p.pathType, p.backend.service.name]))).toEqual([
    ['id.example.com', '/.well-known/', 'Prefix', 'app'],
    ['id.example.com', '/t/', 'Prefix', 'app'],
  ]);
  // The middlewares the annotation names exist in the Ingress's namespace (Traefik refuses cross-namespace references).
  expect(objects.filter((o) => o.kind === 'Middleware').map((o) => `${o.metadata.namespace}-${o.metadata.name}`)).toEqual(['identity-client-rate-limit', 'identity-client-concurrency']);
});

test('limits default to 20 requests per second, bursts of 40 and 20 concurrent requests per client IP', () => {
  const { construct } = render({ ingress: { ...TRAEFIK_INGRESS, requestsPerSecond: 5, burst: 7, concurrentRequests: 3 } });
  const middleware = (name: string) => Testing.synth(Chart.of(construct)).find((o) => o.kind === 'Middleware' && o.metadata.name === name).spec;
  expect(middleware('client-rate-limit').rateLimit).toMatchObject({ average: 5, burst: 7 });
  expect(middleware('client-concurrency').inFlightReq).toMatchObject({ amount: 3 });
  const defaults = render().objects.filter((o) => o.kind === 'Middleware').map((o) => o.spec);
  expect(defaults).toEqual([
    { rateLimit: { average: 20, period: '1s', burst: 40, sourceCriterion: { ipStrategy: { depth: 0 } } } },
    { inFlightReq: { amount: 20, sourceCriterion: { ipStrategy: { depth: 0 } } } },
  ]);
});

test('without routes nothing is public: no Ingress', () => {
  const { construct, objects } = render({}, false);
  expect(construct.ingress).toBeUndefined();
  expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
});

test.each([
  [{ requestsPerSecond: 0 }, /IngressRoutes: 'ingress.requestsPerSecond' must be a positive integer \(got 0\)/],
  [{ burst: -1 }, /IngressRoutes: 'ingress.burst' must be a positive integer \(got -1\)/],
  [{ concurrentRequests: 2.5 }, /IngressRoutes: 'ingress.concurrentRequests' must be a positive integer \(got 2.5\)/],
])('bad limit %j names the prop', (limit, message) => {
  expect(() => render({ ingress: { ...TRAEFIK_INGRESS, ...limit } })).toThrow(message);
});

test('every route answers on every host the stack serves, exact paths matched exactly, and no other host', () => {
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  const deployment = new kplus.Deployment(chart, 'App', { containers: [{ image: 'x:1', portNumber: 8080 }] });
  const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'app' }, selector: deployment, ports: [{ port: 8080 }] });
  new IngressRoutes(chart, 'Routes', {
    name: 'public',
    namespace: 'identity',
    hosts: ['eu-central-1.prod.id.example.com', 'id.example.com'],
    ingress: TRAEFIK_INGRESS,
    routes: [{ service, port: 8080, paths: ['/t/'], exactPaths: ['/healthz/ready'] }],
  });
  const ingress = Testing.synth(chart).find((o) => o.kind === 'Ingress');
  expect(ingress.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => `${r.host}${p.path} ${p.pathType}`)).sort()).toEqual([
    'eu-central-1.prod.id.example.com/healthz/ready Exact',
    'eu-central-1.prod.id.example.com/t/ Prefix',
    'id.example.com/healthz/ready Exact',
    'id.example.com/t/ Prefix',
  ]);
});

test('routes with no host are refused', () => {
  expect(() => render({ hosts: [] })).toThrow("IngressRoutes: 'hosts' must name at least one host");
});

