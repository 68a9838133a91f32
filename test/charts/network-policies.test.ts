import { Chart, Testing } from 'cdk8s';
import { PORTS } from '../../lib/config/ports';
import { NamespaceNetworkPolicies } from '../../lib/charts/network-policies';
import { AMBIENT_PROBE_SOURCE, HBONE_PORT } from '../../lib/charts/mesh';
import { validateManifests } from '../../lib/charts/manifest-validation';

function render(props = { namespace: 'identity' }) {
  const chart = new Chart(Testing.app(), 'c', { disableResourceNameHashes: true });
  new NamespaceNetworkPolicies(chart, 'Policies', props);
  return Testing.synth(chart);
}

const policy = (objects: Array<Record<string, any>>, name: string) => objects.find((o) => o.metadata.name === name)!.spec;

test('every policy selects every pod of the namespace and is a valid NetworkPolicy', () => {
  const objects = render();
  expect(objects.map((o) => [o.kind, o.metadata.namespace, o.metadata.name])).toEqual(
    ['default-deny', 'allow-dns', 'allow-mesh'].map((name) => ['NetworkPolicy', 'identity', name]),
  );
  for (const o of objects) expect(o.spec.podSelector).toEqual({});
  expect(validateManifests(objects)).toEqual([]);
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

test('data stores and AWS APIs are not opened to the whole namespace: each service opens its own (IdentityService egress)', () => {
  const egress = render().flatMap((o) => o.spec.egress ?? []);
  const ports = egress.flatMap((rule: any) => rule.ports.map((p: any) => p.port));
  for (const port of [PORTS.postgres, PORTS.mongo, PORTS.amqps, PORTS.https]) expect(ports).not.toContain(port);
  expect(egress.flatMap((rule: any) => (rule.to ?? []).filter((peer: any) => peer.ipBlock))).toEqual([]);
});
