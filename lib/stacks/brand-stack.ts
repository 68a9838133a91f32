import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BRAND_TAGS, brandStackName, dataName, documentDbClusterName } from '../config/naming';
import type { BrandTarget } from '../config/registry';
import { removalPolicyFor } from '../config/stages';
import { BrandBackup } from '../constructs/backup/brand-backup';
import { AuroraPostgresCluster } from '../constructs/data/aurora-postgres-cluster';
import { DocumentDbCluster } from '../constructs/data/document-db-cluster';
import { RabbitBroker } from '../constructs/data/rabbit-broker';
import { BrandKeys } from '../constructs/keys/brand-keys';
import { Bastion } from '../constructs/network/bastion';
import { BrandVpcs } from '../constructs/network/brand-vpcs';
import { BrandCluster } from '../constructs/cluster/brand-cluster';
import { IdentityWorkloads } from '../constructs/cluster/identity-workloads';
import { RuntimeSecrets } from '../constructs/cluster/runtime-secrets';

export interface BrandStackProps extends StackProps {
  /** The brand, region and stage this stack is for. */
  readonly target: BrandTarget;
}

/**
 * One brand's dedicated, isolated, encrypted stack. Composition only: each
 * concern is a construct under lib/constructs/, given the few props it needs.
 */
export class BrandStack extends Stack {
  readonly target: BrandTarget;
  readonly keys: BrandKeys;
  readonly vpcs: BrandVpcs;
  readonly bastion: Bastion;
  readonly database: AuroraPostgresCluster;
  readonly mongo: DocumentDbCluster;
  readonly broker: RabbitBroker;
  readonly backup: BrandBackup;
  readonly cluster: BrandCluster;
  readonly runtimeSecrets: RuntimeSecrets;
  readonly identity: IdentityWorkloads;

  /**
   * The region catalog's zones. Without this, a stack with a concrete account
   * (every pipeline stage) asks AWS for its zones at synth, a context lookup.
   */
  override get availabilityZones(): string[] {
    return [...this.target.region.zones];
  }

  constructor(scope: Construct, id: string, props: BrandStackProps) {
    const { brand, region, stage } = props.target;
    super(scope, id, {
      stackName: brandStackName(props.target),
      description: `brandstack: ${brand.displayName} (${brand.id}), stage ${stage.name}, ${region.code} (${region.country})`,
      terminationProtection: stage.name === 'high',
      ...props,
      env: { account: props.env?.account, region: region.code },
    });
    this.target = props.target;

    Tags.of(this).add(BRAND_TAGS.brand, brand.id);
    Tags.of(this).add(BRAND_TAGS.stage, stage.name);
    Tags.of(this).add(BRAND_TAGS.residency, region.countryCode);
    const removal = removalPolicyFor(stage, 'state');
    const dataRemoval = removalPolicyFor(stage, 'snapshot');
    const name = dataName(props.target);

    this.keys = new BrandKeys(this, 'Keys', {
      brandId: brand.id,
      customers: brand.customers,
      deletionWindow: stage.keyDeletionWindow,
      removalPolicy: removal,
    });

    this.vpcs = new BrandVpcs(this, 'Network', {
      zones: region.zones,
      appCidr: brand.network.appCidr,
      mongoCidr: brand.network.mongoCidr,
      rabbitCidr: brand.network.rabbitCidr,
      flowLogKey: this.keys.platformKey,
      flowLogRetention: stage.logRetention,
      flowLogRemovalPolicy: removal,
    });

    this.bastion = new Bastion(this, 'Bastion', {
      vpc: this.vpcs.appVpc,
      sshSourceCidr: brand.network.vpnCidr,
      encryptionKey: this.keys.platformKey,
      logRetention: stage.logRetention,
      logRemovalPolicy: removal,
      securityContactEmail: brand.securityContactEmail,
    });
    this.vpcs.allowRabbitConsoleFrom(this.bastion);

    this.database = new AuroraPostgresCluster(this, 'Database', {
      vpc: this.vpcs.appVpc,
      vpcSubnets: this.vpcs.databaseSubnets,
      securityGroups: [this.vpcs.databaseSecurityGroup],
      clusterIdentifier: name,
      encryptionKey: this.keys.platformKey,
      capacity: brand.database[stage.name],
      readers: stage.databaseReaders,
      backupRetention: stage.backupRetention,
      deletionProtection: stage.deletionProtection,
      removalPolicy: dataRemoval,
      logRetention: stage.logRetention,
      rotationSubnets: this.vpcs.workloadSubnets,
    });

    this.mongo = new DocumentDbCluster(this, 'Mongo', {
      vpc: this.vpcs.mongoVpc,
      securityGroup: this.vpcs.mongoSecurityGroup,
      clusterIdentifier: documentDbClusterName(props.target),
      encryptionKey: this.keys.platformKey,
      instances: stage.documentDbInstances,
      backupRetention: stage.backupRetention,
      deletionProtection: stage.deletionProtection,
      removalPolicy: dataRemoval,
      logRetention: stage.logRetention,
      rotation: { vpc: this.vpcs.appVpc, vpcSubnets: this.vpcs.workloadSubnets },
    });

    this.broker = new RabbitBroker(this, 'Broker', {
      vpc: this.vpcs.rabbitVpc,
      securityGroups: [this.vpcs.rabbitSecurityGroup],
      brokerName: name,
      deployment: stage.brokerDeployment,
      secretEncryptionKey: this.keys.platformKey,
      removalPolicy: removal,
    });

    this.backup = new BrandBackup(this, 'Backup', {
      vaultName: name,
      encryptionKey: this.keys.platformKey,
      retention: stage.backupRetention,
      continuousResources: [this.database.clusterArn],
      snapshotResources: [this.mongo.clusterArn],
      volumeTags: { [BRAND_TAGS.brand]: brand.id, [BRAND_TAGS.stage]: stage.name },
    });

    this.cluster = new BrandCluster(this, 'Cluster', {
      clusterName: name,
      vpc: this.vpcs.appVpc,
      subnets: this.vpcs.workloadSubnets,
      key: this.keys.platformKey,
      ingressDomain: brand.domain,
      logRetention: stage.logRetention,
      removalPolicy: removal,
    });

    this.runtimeSecrets = new RuntimeSecrets(this, 'RuntimeSecrets', {
      encryptionKey: this.keys.platformKey,
      databaseSecret: this.database.secret,
    });

    this.identity = new IdentityWorkloads(this, 'Identity', {
      cluster: this.cluster,
      runtimeSecrets: this.runtimeSecrets,
      customerKeys: this.keys,
      domain: brand.domain,
      minReplicas: stage.minReplicas,
      maxReplicas: stage.maxReplicas,
      strictZoneSpread: stage.strictZoneSpread,
      dataStores: {
        postgresCidrs: this.vpcs.databaseSubnetCidrs,
        mongoCidr: brand.network.mongoCidr,
        rabbitCidr: brand.network.rabbitCidr,
      },
    });
  }
}
