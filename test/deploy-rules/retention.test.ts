import { Aws, CfnDeletionPolicy, CfnParameter, CustomResource, Fn, RemovalPolicy, type CfnResource, type Stack } from 'aws-cdk-lib';
import * as amazonmq from 'aws-cdk-lib/aws-amazonmq';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as docdb from 'aws-cdk-lib/aws-docdb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { findingsOf, testStack } from './findings';

function retain(resource: CfnResource, policy = CfnDeletionPolicy.RETAIN): CfnResource {
  resource.cfnOptions.deletionPolicy = policy;
  return resource;
}

/** The part of a stack id unique to one creation: `arn:...:stack/<name>/<uuid>` → the uuid's first group. */
const perCreation = Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))));

describe('RetainedResourceHasNoFixedName', () => {
  const rule = 'RetainedResourceHasNoFixedName';

  test('a retained resource named literally, or from parameters and stable pseudo-parameters, fails', () => {
    const stack = testStack();
    const env = new CfnParameter(stack, 'Env', { default: 'prod' });
    retain(new logs.CfnLogGroup(stack, 'Literal', { logGroupName: '/brandstack/acme/audit' }));
    retain(new logs.CfnLogGroup(stack, 'FromPseudo', { logGroupName: `/brandstack/${Aws.STACK_NAME}/${Aws.REGION}` }));
    retain(new logs.CfnLogGroup(stack, 'FromParameter', { logGroupName: Fn.join('-', ['audit', env.valueAsString]) }));
    expect(findingsOf(stack, rule)).toEqual([
      '[LogGroupName=/brandstack/${AWS::StackName}/${AWS::Region}] Test/FromPseudo',
      '[LogGroupName=/brandstack/acme/audit] Test/Literal',
      '[LogGroupName=audit-${Env}] Test/FromParameter',
    ]);
  });

  test('a name from AWS::StackId, a generated name, RetainExceptOnCreate, Snapshot and Delete pass', () => {
    const stack = testStack();
    retain(new logs.CfnLogGroup(stack, 'PerCreation', { logGroupName: Fn.join('-', ['/brandstack/audit', perCreation]) }));
    retain(new logs.CfnLogGroup(stack, 'SubStackId', { logGroupName: Fn.sub('/brandstack/${AWS::StackId}') }));
    retain(new logs.CfnLogGroup(stack, 'Generated', {}));
    retain(new logs.CfnLogGroup(stack, 'ExceptOnCreate', { logGroupName: '/brandstack/a' }), CfnDeletionPolicy.RETAIN_EXCEPT_ON_CREATE);
    retain(new logs.CfnLogGroup(stack, 'Deleted', { logGroupName: '/brandstack/b' }), CfnDeletionPolicy.DELETE);
    retain(new docdb.CfnDBCluster(stack, 'Snapshotted', { dbClusterIdentifier: 'brandstack-docs', masterUsername: 'admin', masterUserPassword: 'x' }), CfnDeletionPolicy.SNAPSHOT);
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test("a name built from another resource is fixed exactly when that resource's name is", () => {
    const stack = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
    const role = 'arn:aws:iam::111111111111:role/eks';
    const vpcConfig = { subnetIds: vpc.privateSubnets.map((s) => s.subnetId) };
    const named = new eks.CfnCluster(stack, 'Named', { name: 'brandstack-acme', roleArn: role, resourcesVpcConfig: vpcConfig });
    const generated = new eks.CfnCluster(stack, 'Generated', { roleArn: role, resourcesVpcConfig: vpcConfig });
    // EKS writes control-plane logs only to /aws/eks/<cluster name>/cluster.
    retain(new logs.CfnLogGroup(stack, 'NamedLogs', { logGroupName: `/aws/eks/${named.ref}/cluster` }));
    retain(new logs.CfnLogGroup(stack, 'GeneratedLogs', { logGroupName: `/aws/eks/${generated.ref}/cluster` }));
    expect(findingsOf(stack, rule)).toEqual(['[LogGroupName=/aws/eks/${Named}/cluster] Test/NamedLogs']);
  });

  test('aws-cdk-lib names a backup vault itself: retained, it collides; named per creation, it does not', () => {
    const stack = testStack();
    new backup.BackupVault(stack, 'Vault', { removalPolicy: RemovalPolicy.RETAIN });
    new backup.BackupVault(stack, 'PerCreationVault', { backupVaultName: Fn.join('-', ['acme', perCreation]), removalPolicy: RemovalPolicy.RETAIN });
    new backup.BackupVault(stack, 'ExceptOnCreateVault', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    expect(findingsOf(stack, rule)).toEqual([expect.stringMatching(/^\[BackupVaultName=TestVault[0-9A-F]{8}\] Test\/Vault\/Resource$/)]);
  });

  test('a retained broker with a fixed BrokerName fails (as BrandStack high had it)', () => {
    const stack = testStack();
    retain(
      new amazonmq.CfnBroker(stack, 'Broker', {
        brokerName: 'brandstack-acme-high',
        engineType: 'RABBITMQ',
        engineVersion: '3.13',
        hostInstanceType: 'mq.m5.large',
        deploymentMode: 'SINGLE_INSTANCE',
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        users: [{ username: 'admin', password: 'x' }],
      }),
    );
    expect(findingsOf(stack, rule)).toEqual(['[BrokerName=brandstack-acme-high] Test/Broker']);
  });
});

describe('RetainedResourceHoldsNoVpcAttachment', () => {
  const rule = 'RetainedResourceHoldsNoVpcAttachment';

  function inVpc(stack: Stack) {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const code = lambda.Code.fromInline('exports.handler = async () => ({});');
    const vpcFunction = new lambda.Function(stack, 'InVpc', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code, vpc });
    const plainFunction = new lambda.Function(stack, 'Plain', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
    return { vpc, vpcFunction, plainFunction };
  }

  test('a retained VPC Lambda, security group, or custom resource whose provider runs in the VPC fails', () => {
    const stack = testStack();
    const { vpc, vpcFunction } = inVpc(stack);
    vpcFunction.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new ec2.SecurityGroup(stack, 'Group', { vpc }).applyRemovalPolicy(RemovalPolicy.RETAIN);
    // The aws-cdk-lib provider framework: its onEvent function calls the user handler in the VPC.
    const provider = new cr.Provider(stack, 'Provider', { onEventHandler: vpcFunction, vpc });
    new CustomResource(stack, 'Release', { serviceToken: provider.serviceToken, removalPolicy: RemovalPolicy.RETAIN });
    const findings = findingsOf(stack, rule);
    expect(findings).toEqual([
      '[AWS::EC2::SecurityGroup] Test/Group/Resource',
      '[AWS::Lambda::Function] Test/InVpc/Resource',
      expect.stringMatching(/^\[ProviderInVpc::ProviderframeworkonEvent[0-9A-F]{8}\] Test\/Release\/Default$/),
    ]);
  });

  test('the user handler behind a provider framework outside the VPC is followed too', () => {
    const stack = testStack();
    const { vpcFunction } = inVpc(stack);
    const provider = new cr.Provider(stack, 'Provider', { onEventHandler: vpcFunction });
    new CustomResource(stack, 'Release', { serviceToken: provider.serviceToken, removalPolicy: RemovalPolicy.RETAIN });
    expect(findingsOf(stack, rule)).toEqual([expect.stringMatching(/^\[ProviderInVpc::InVpc[0-9A-F]{8}\] Test\/Release\/Default$/)]);
  });

  test('the same resources not retained, or RetainExceptOnCreate, and a retained resource outside any VPC pass', () => {
    const stack = testStack();
    const { vpc, vpcFunction, plainFunction } = inVpc(stack);
    vpcFunction.applyRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    new ec2.SecurityGroup(stack, 'Group', { vpc });
    const provider = new cr.Provider(stack, 'Provider', { onEventHandler: vpcFunction, vpc });
    new CustomResource(stack, 'Release', { serviceToken: provider.serviceToken });
    plainFunction.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new CustomResource(stack, 'Outside', { serviceToken: plainFunction.functionArn, removalPolicy: RemovalPolicy.RETAIN });
    expect(findingsOf(stack, rule)).toEqual([]);
  });
});
