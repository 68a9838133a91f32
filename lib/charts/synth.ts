/**
 * `npm run synth:charts`: writes the identity chart of every brand and stage
 * to chart-out/<brand>-<stage>.yaml for review, without the CDK app (no
 * cluster, no image build; the image is a placeholder reference). Every object
 * is schema-validated first.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml } from 'cdk8s';
import { parseCidr } from '../config/cidr';
import { BrandRegistry } from '../config/registry';
import { findRegion } from '../config/regions';
import { PORTS } from '../config/ports';
import { STAGE_NAMES, STAGE_PROFILES } from '../config/stages';
import { TRAEFIK_INGRESS } from './contract';
import { IdentityChart } from './identity-chart';
import { validateManifests } from './manifest-validation';

/**
 * The database subnets of a brand's app VPC, as BrandVpcs lays them out: ec2.Vpc allocates the
 * subnet groups in order, one subnet per zone, from the start of the VPC CIDR: workload (VPC
 * prefix + 2), public (+ 6), then database (+ 6). The review builds no stack to read them from;
 * test/charts/synth.test.ts holds this to what BrandVpcs builds.
 */
export function databaseSubnetCidrs(appCidr: string, zoneCount: number): string[] {
  const app = parseCidr(appCidr);
  if (typeof app === 'string') throw new Error(`synth:charts: appCidr '${appCidr}' ${app}`);
  const workload = 2 ** (32 - (app.prefix + 2));
  const small = 2 ** (32 - (app.prefix + 6));
  const first = app.first + zoneCount * workload + zoneCount * small;
  return Array.from({ length: zoneCount }, (_, zone) => `${dottedQuad(first + zone * small)}/${app.prefix + 6}`);
}

/**
 * The workload subnets of a brand's app VPC (the first group BrandVpcs allocates, VPC prefix + 2,
 * one per zone): where the pods, the ingress controller's among them, get their addresses.
 */
export function workloadSubnetCidrs(appCidr: string, zoneCount: number): string[] {
  const app = parseCidr(appCidr);
  if (typeof app === 'string') throw new Error(`synth:charts: appCidr '${appCidr}' ${app}`);
  const workload = 2 ** (32 - (app.prefix + 2));
  return Array.from({ length: zoneCount }, (_, zone) => `${dottedQuad(app.first + zone * workload)}/${app.prefix + 2}`);
}

function dottedQuad(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

function main(): void {
  const outdir = path.resolve(__dirname, '..', '..', 'chart-out');
  fs.mkdirSync(outdir, { recursive: true });

  for (const brand of BrandRegistry.load().brands) {
    const region = findRegion(brand.homeRegion);
    if (!region) throw new Error(`synth:charts: region '${brand.homeRegion}' of brand '${brand.id}' is not in the catalog`);
    for (const stageName of STAGE_NAMES) {
      const stage = STAGE_PROFILES[stageName];
      const app = new App({ outdir, outputFileExtension: '.yaml' });
      new IdentityChart(app, 'identity', {
        image: `brandstack-runtime:chart-review`,
        domain: brand.domain,
        region: region.code,
        brandId: brand.id,
        customers: brand.customers,
        minReplicas: stage.minReplicas,
        maxReplicas: stage.maxReplicas,
        strictZoneSpread: stage.name === 'high',
        dataStores: {
          postgresCidrs: databaseSubnetCidrs(brand.network.appCidr, region.zones.length),
          mongoCidr: brand.network.mongoCidr,
          rabbitCidr: brand.network.rabbitCidr,
        },
        ingress: TRAEFIK_INGRESS,
        trustedProxyCidrs: workloadSubnetCidrs(brand.network.appCidr, region.zones.length),
        // The stack passes the bastion alarm topic's ARN; a placeholder stands in for review.
        securityTopicArn: `arn:aws:sns:${region.code}:000000000000:brandstack-${brand.id}-${stage.name}-security`,
        // The stack passes the ARNs of RuntimeSecrets; names stand in for review.
        secretSources: {
          database: `brandstack-${brand.id}-${stage.name}/database-master`,
          platformAdminClientSecret: `brandstack-${brand.id}-${stage.name}/platform-admin-client-secret`,
          keyEncryptionKey: `brandstack-${brand.id}-${stage.name}/key-encryption-key`,
          clientSecretPepper: `brandstack-${brand.id}-${stage.name}/client-secret-pepper`,
          broker: `brandstack-${brand.id}-${stage.name}/broker-admin`,
          auditStore: `brandstack-${brand.id}-${stage.name}/documentdb-master`,
        },
        // The stack passes the broker's endpoint (Amazon MQ AmqpEndpoints); a placeholder stands in for review.
        brokerEndpoint: `b-00000000-0000-0000-0000-000000000000.mq.${region.code}.amazonaws.com:${PORTS.amqps}`,
        auditRetentionDays: stage.auditRetentionDays,
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
}

if (require.main === module) main();
