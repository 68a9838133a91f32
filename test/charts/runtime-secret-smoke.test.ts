/**
 * The runtime's smoke-test client through the chart: with a smoke client source, the
 * ExternalSecret reads its three members and the runtime (not the audit writer) gets SMOKE_TENANT,
 * SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET by reference, which the production runtime parses.
 */
import { Testing } from 'cdk8s';
import { TRAEFIK_INGRESS } from '../../lib/charts/contract';
import { IdentityChart, type IdentityChartProps } from '../../lib/charts/identity-chart';
import { SMOKE_CLIENT_SECRETS } from '../../lib/charts/runtime-secret';
import { parseSmokeClientConfig } from '../../runtime/src/config/smoke-client-config';

const SMOKE = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:smoke-client-AbCdEf';
const props: IdentityChartProps = {
  image: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/runtime:abc',
  domain: 'id.acme.example.com',
  region: 'eu-central-1',
  brandId: 'acme',
  customers: ['acme-retail', 'globex'],
  minReplicas: 2,
  maxReplicas: 6,
  dataStores: { postgresCidrs: ['10.10.204.0/22'], mongoCidr: '10.11.0.0/20', rabbitCidr: '10.12.0.0/20' },
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
  brokerEndpoint: 'b-0123abcd.mq.eu-central-1.amazonaws.com:5671',
  auditRetentionDays: 30,
};

function objects(secretSources: IdentityChartProps['secretSources']): Array<Record<string, any>> {
  return new IdentityChart(Testing.app(), 'identity', { ...props, secretSources }).toJson();
}
const externalSecret = (objs: Array<Record<string, any>>) => objs.find((o) => o.kind === 'ExternalSecret')!;
const containers = (objs: Array<Record<string, any>>) => objs.filter((o) => o.kind === 'Deployment').flatMap((d) => d.spec.template.spec.containers);

test('with a smoke client source: its three members are read and composed into the runtime Secret', () => {
  const secret = externalSecret(objects({ ...props.secretSources, smokeClient: SMOKE }));
  const refs = Object.fromEntries(secret.spec.data.map((d: any) => [d.secretKey, d.remoteRef]));
  expect(refs).toMatchObject({
    smokeTenant: { key: SMOKE, property: 'tenant' },
    smokeClientId: { key: SMOKE, property: 'client_id' },
    smokeClientSecret: { key: SMOKE, property: 'client_secret' },
  });
  expect(secret.spec.target.template.data).toMatchObject({
    SMOKE_TENANT: '{{ .smokeTenant }}',
    SMOKE_CLIENT_ID: '{{ .smokeClientId }}',
    SMOKE_CLIENT_SECRET: '{{ .smokeClientSecret }}',
  });
});

test('the runtime reads the three settings from the runtime Secret, never as a value; the audit writer does not read them', () => {
  const objs = objects({ ...props.secretSources, smokeClient: SMOKE });
  const byName = (name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec.template.spec.containers[0];
  const env = Object.fromEntries(byName('token-service').env.map((e: any) => [e.name, e]));
  for (const name of SMOKE_CLIENT_SECRETS) {
    expect(env[name]).toEqual({ name, valueFrom: { secretKeyRef: { name: 'identity-runtime', key: name } } });
  }
  expect(JSON.stringify(byName('audit-writer'))).not.toContain('SMOKE_');
  expect(containers(objs)).toHaveLength(2);
  // Rendered as the template would, the runtime accepts them.
  const rendered = { SMOKE_TENANT: 'acme-retail', SMOKE_CLIENT_ID: 'smoke', SMOKE_CLIENT_SECRET: 'x'.repeat(64) };
  expect(parseSmokeClientConfig(rendered)).toEqual({ tenant: 'acme-retail', clientId: 'smoke', secret: 'x'.repeat(64) });
});

test('without a smoke client source: no smoke settings anywhere', () => {
  const objs = objects(props.secretSources);
  expect(JSON.stringify(objs)).not.toContain('SMOKE_');
  expect(JSON.stringify(externalSecret(objs))).not.toContain('smoke');
});
