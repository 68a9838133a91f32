/**
 * `npm run synth:charts`: writes the identity chart of every brand and stage
 * to chart-out/<brand>-<stage>.yaml for review, without the CDK app (no
 * cluster, no image build; the image is a placeholder reference). Every object
 * is schema-validated first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App as CdkApp, Stack } from 'aws-cdk-lib';
import { App, Yaml } from 'cdk8s';
import { BrandRegistry } from '../config/registry';
import { findRegion } from '../config/regions';
import { STAGE_NAMES, STAGE_PROFILES } from '../config/stages';
import { BrandVpcs } from '../constructs/network/brand-vpcs';
import { TRAEFIK_INGRESS } from '../constructs/cluster/ingress-controller';
import { IdentityChart } from './identity-chart';
import { validateManifests } from './manifest-validation';

const outdir = path.resolve(__dirname, '..', '..', 'chart-out');
fs.mkdirSync(outdir, { recursive: true });

for (const brand of BrandRegistry.load().brands) {
  const region = findRegion(brand.homeRegion);
  if (!region) throw new Error(`synth:charts: region '${brand.homeRegion}' of brand '${brand.id}' is not in the catalog`);
  // The database subnet CIDRs are what BrandStack's VPC computes; build only the VPCs to learn them.
  const vpcs = new BrandVpcs(new Stack(new CdkApp(), 'Network', { env: { region: region.code } }), 'Network', {
    zones: region.zones,
    appCidr: brand.network.appCidr,
    mongoCidr: brand.network.mongoCidr,
    rabbitCidr: brand.network.rabbitCidr,
  });
  for (const stageName of STAGE_NAMES) {
    const stage = STAGE_PROFILES[stageName];
    const app = new App({ outdir, outputFileExtension: '.yaml' });
    new IdentityChart(app, 'identity', {
      image: `brandstack-runtime:chart-review`,
      domain: brand.domain,
      region: region.code,
      minReplicas: stage.minReplicas,
      maxReplicas: stage.maxReplicas,
      strictZoneSpread: stage.name === 'high',
      dataStores: {
        postgresCidrs: vpcs.appVpc.selectSubnets({ subnetGroupName: 'Database' }).subnets.map((subnet) => subnet.ipv4CidrBlock),
        mongoCidr: brand.network.mongoCidr,
        rabbitCidr: brand.network.rabbitCidr,
      },
      ingress: TRAEFIK_INGRESS,
      // The stack passes the ARNs of RuntimeSecrets; names stand in for review.
      secretSources: {
        database: `brandstack-${brand.id}-${stage.name}/database-master`,
        adminToken: `brandstack-${brand.id}-${stage.name}/admin-token`,
        keyEncryptionKey: `brandstack-${brand.id}-${stage.name}/key-encryption-key`,
        clientSecretPepper: `brandstack-${brand.id}-${stage.name}/client-secret-pepper`,
      },
    });
    const objects = app.charts.flatMap((chart) => chart.toJson());
    const problems = validateManifests(objects);
    if (problems.length > 0) {
      throw new Error(`synth:charts: ${brand.id}/${stage.name} has invalid objects:\n${problems.map((p) => `  ${p.object}: ${p.problems.join('; ')}`).join('\n')}`);
    }
    const file = path.join(outdir, `${brand.id}-${stage.name}.yaml`);
    fs.writeFileSync(file, Yaml.stringify(...objects));
    process.stdout.write(`${path.relative(process.cwd(), file)}\n`);
  }
}
