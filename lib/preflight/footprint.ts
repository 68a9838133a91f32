/**
 * What a BrandStack creates that an account's quotas and offerings must
 * allow, read from the stack's constructs (not restated here), so a change to
 * the network or the bastion changes what preflight asks for.
 */
import { DefaultStackSynthesizer, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';

export interface StackFootprint {
  /** AWS::EC2::VPC resources. */
  readonly vpcs: number;
  /** AWS::EC2::EIP resources (the NAT gateways' and the bastion's). */
  readonly elasticIps: number;
  /** AWS::EC2::NatGateway resources per availability zone. */
  readonly natGatewaysPerZone: Readonly<Record<string, number>>;
  /** EC2 instance types and the zones they are launched in (the bastion). */
  readonly instances: ReadonlyArray<{ readonly instanceType: string; readonly zone: string }>;
  /** Provisioned Aurora instance classes (Serverless v2 instances, `db.serverless`, excluded), with the engine version. */
  readonly auroraInstances: ReadonlyArray<{ readonly instanceClass: string; readonly engineVersion: string }>;
  /** The SSM parameter holding the bootstrap version, and the lowest version the stack's synthesizer accepts. */
  readonly bootstrap: { readonly parameter: string; readonly requiredVersion: number };
}

/**
 * The bootstrap version DefaultStackSynthesizer requires for deployment
 * (aws-cdk-lib 2.276: 6, or 27 with deploy-role session tags, which BrandStack
 * does not use). It is written into every template as the CheckBootstrapVersion
 * rule; test/preflight/footprint.test.ts keeps this number equal to that rule.
 * https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
export const REQUIRED_BOOTSTRAP_VERSION = 6;

export function footprintOf(stack: Stack): StackFootprint {
  const constructs = stack.node.findAll();
  const of = <T>(type: abstract new (...args: any[]) => T): T[] => constructs.filter((c): c is any => c instanceof type);

  const zoneOfSubnet = new Map<string, string>();
  for (const subnet of of(ec2.CfnSubnet)) zoneOfSubnet.set(JSON.stringify(stack.resolve(subnet.ref)), stack.resolve(subnet.availabilityZone));
  const natGatewaysPerZone: Record<string, number> = {};
  for (const nat of of(ec2.CfnNatGateway)) {
    const zone = zoneOfSubnet.get(JSON.stringify(stack.resolve(nat.subnetId)));
    if (!zone) throw new Error(`footprintOf: NAT gateway ${nat.node.path} is not in a subnet of this stack with a known zone`);
    natGatewaysPerZone[zone] = (natGatewaysPerZone[zone] ?? 0) + 1;
  }

  const qualifier = (stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  if (!(stack.synthesizer instanceof DefaultStackSynthesizer)) throw new Error(`footprintOf: ${stack.stackName} does not use DefaultStackSynthesizer`);

  return {
    vpcs: of(ec2.CfnVPC).length,
    elasticIps: of(ec2.CfnEIP).length,
    natGatewaysPerZone,
    instances: of(ec2.CfnInstance).map((instance) => ({ instanceType: stack.resolve(instance.instanceType), zone: stack.resolve(instance.availabilityZone) })),
    auroraInstances: of(rds.CfnDBInstance)
      .filter((instance) => instance.dbInstanceClass !== 'db.serverless' && String(stack.resolve(instance.engine)).startsWith('aurora'))
      .map((instance) => ({ instanceClass: instance.dbInstanceClass!, engineVersion: auroraVersionOf(stack, instance) })),
    bootstrap: {
      parameter: DefaultStackSynthesizer.DEFAULT_BOOTSTRAP_STACK_VERSION_SSM_PARAMETER.replace('${Qualifier}', qualifier),
      requiredVersion: REQUIRED_BOOTSTRAP_VERSION,
    },
  };
}

/** The engine version of an Aurora instance's cluster. */
function auroraVersionOf(stack: Stack, instance: rds.CfnDBInstance): string {
  const clusterRef = JSON.stringify(stack.resolve(instance.dbClusterIdentifier));
  const cluster = stack.node.findAll().find((c): c is rds.CfnDBCluster => c instanceof rds.CfnDBCluster && JSON.stringify(stack.resolve(c.ref)) === clusterRef);
  if (!cluster?.engineVersion) throw new Error(`footprintOf: cannot find the engine version of ${instance.node.path}`);
  return cluster.engineVersion;
}
