import { Chart, Testing } from 'cdk8s';
import { PORTS } from '../../lib/config/ports';
import { NamespaceNetworkPolicies } from '../../lib/charts/network-policies';
import { AMBIENT_PROBE_SOURCE, HBONE_PORT } from '../../lib/charts/mesh';
import { validateManifests } from '../../lib/charts/manifest-validation';

const dataStores = { postgresCidrs: ['10.10.204.0/22', '10.10.208.0/22'], mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20' };

function render(props = { namespace: 'identity', dataStores }) {
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  new NamespaceNetworkPolicies(chart, 'Policies', props);
  return Testing.synth(chart);
}

const policy = (objects: Array<Record<string, any>>, name: string) => objects.find((o) => o.metadata.name === name)!.spec;

test('every policy selects every pod of the namespace and is a valid NetworkPolicy', () => {
  const objects = render();
  expect(objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual(
    ['default-deny', 'allow-dns', 'allow-data-stores', 'allow-aws-apis', 'allow-mesh'].map((name) => ['NetworkPolicy', 'identity', name]),
  );
  for (const o of objects) expect(o.spec.podSelector).toEqual({});
  expect(validateManifests(objects)).toEqual([]);
});

test('AWS APIs: HTTPS anywhere, and plain HTTP only to the Pod Identity agent', () => {
  expect(policy(render(), 'allow-aws-apis')).toEqual({
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      { to: [{ ipBlock: { cidr: '169.254.170.23/32' } }], ports: [{ protocol: 'TCP', port: 80 }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: PORTS.https }] },
    ],
  });
});

test('mesh: HBONE between the pods of the namespace in both directions, and ambient-SNATed kubelet probes on the app port', () => {
  expect(policy(render(), 'allow-mesh')).toEqual({
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      { from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: HBONE_PORT }] },
      { from: [{ ipBlock: { cidr: AMBIENT_PROBE_SOURCE } }], ports: [{ protocol: 'TCP', port: PORTS.runtime }] },
    ],
    egress: [{ to: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: HBONE_PORT }] }],
  });
});

test('the data stores are reached on their own ports only', () => {
  const egress = policy(render(), 'allow-data-stores').egress;
  expect(egress.map((rule: any) => [rule.to.map((peer: any) => peer.ipBlock.cidr), rule.ports])).toEqual([
    [dataStores.postgresCidrs, [{ protocol: 'TCP', port: PORTS.postgres }]],
    [[dataStores.mongoCidr], [{ protocol: 'TCP', port: PORTS.mongo }]],
    [[dataStores.rabbitCidr], [{ protocol: 'TCP', port: PORTS.amqps }]],
  ]);
});

test('no PostgreSQL subnet is refused with the prop named', () => {
  expect(() => render({ namespace: 'identity', dataStores: { ...dataStores, postgresCidrs: [] } })).toThrow(
    "NamespaceNetworkPolicies: 'dataStores.postgresCidrs' must list at least one CIDR",
  );
});
