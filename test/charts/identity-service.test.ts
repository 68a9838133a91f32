import { Chart, Testing } from 'cdk8s';
import { PORTS } from '../../lib/config/ports';
import { IdentityService } from '../../lib/charts/identity-service';
import { HBONE_PORT } from '../../lib/charts/mesh';
import { validateManifests } from '../../lib/charts/manifest-validation';

const props = { name: 'svc', namespace: 'identity', image: 'x:1', minReplicas: 2, maxReplicas: 3 };

function render(allowFrom?: ConstructorParameters<typeof IdentityService>[2]['allowFrom']) {
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  const service = new IdentityService(chart, 'svc', { ...props, allowFrom });
  return { service, objects: Testing.synth(chart) };
}

test('each allowed peer may reach the service pods on the app port and HBONE, and nothing else may', () => {
  const { service, objects } = render([{ namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } }, { namespace: 'monitoring' }]);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  expect(policies).toHaveLength(1);
  const [policy] = policies;
  expect(policy.metadata).toEqual({ name: 'svc-allow-ingress', namespace: 'identity', labels: service.podLabels });
  expect(policy.spec.podSelector).toEqual({ matchLabels: service.podLabels });
  expect(policy.spec.policyTypes).toEqual(['Ingress']);
  expect(policy.spec.egress).toBeUndefined();
  const ports = [
    { protocol: 'TCP', port: PORTS.runtime },
    { protocol: 'TCP', port: HBONE_PORT },
  ];
  // One rule per peer: together they admit exactly the listed peers on exactly these ports.
  expect(policy.spec.ingress).toEqual([
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }], ports },
    { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }], ports },
  ]);
  expect(validateManifests(objects)).toEqual([]);
});

test('a service nobody is allowed to reach gets no ingress policy: the namespace default deny holds', () => {
  expect(render().objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
  expect(render([]).objects.filter((o) => o.kind === 'NetworkPolicy')).toEqual([]);
});

describe('egress', () => {
  function renderEgress(extra: Partial<ConstructorParameters<typeof IdentityService>[2]>) {
    const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
    const service = new IdentityService(chart, 'svc', { ...props, ...extra });
    const objects = Testing.synth(chart);
    return { service, objects, egress: objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'svc-allow-egress') };
  }

  test('by default a service may connect nowhere (beyond what the namespace opens) and has no AWS identity', () => {
    const { service, egress } = renderEgress({});
    expect(egress).toBeUndefined();
    expect(service.awsApis).toBe(false);
  });

  test('its destinations, each on its own ports, in one policy selecting only its pods', () => {
    const { service, objects, egress } = renderEgress({
      egress: [
        { name: 'rabbitmq', cidrs: ['10.12.0.0/20'], ports: [PORTS.amqps] },
        { name: 'documentdb', cidrs: ['10.11.0.0/20'], ports: [PORTS.mongo] },
      ],
    });
    expect(egress!.metadata).toEqual({ name: 'svc-allow-egress', namespace: 'identity', labels: service.podLabels });
    expect(egress!.spec).toEqual({
      podSelector: { matchLabels: service.podLabels },
      policyTypes: ['Egress'],
      egress: [
        { to: [{ ipBlock: { cidr: '10.12.0.0/20' } }], ports: [{ protocol: 'TCP', port: 5671 }] },
        { to: [{ ipBlock: { cidr: '10.11.0.0/20' } }], ports: [{ protocol: 'TCP', port: 27017 }] },
      ],
    });
    expect(validateManifests(objects)).toEqual([]);
  });

  test('awsApis: HTTPS anywhere, and plain HTTP only to the Pod Identity agent', () => {
    const { service, egress } = renderEgress({ awsApis: true });
    expect(service.awsApis).toBe(true);
    expect(egress!.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: PORTS.https }] },
    ]);
  });

  test.each([
    [{ name: 'nothing', cidrs: [], ports: [5671] }, "IdentityService svc: egress destination 'nothing' must list at least one CIDR and one port"],
    [{ name: 'portless', cidrs: ['10.0.0.0/8'], ports: [] }, "IdentityService svc: egress destination 'portless' must list at least one CIDR and one port"],
    [{ name: 'bad', cidrs: ['10.0.0.0/8'], ports: [70000] }, "IdentityService svc: egress destination 'bad' port 70000 is not 1-65535"],
  ])('refuses %j, naming it', (destination, message) => {
    expect(() => renderEgress({ egress: [destination] })).toThrow(message);
  });
});
