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
