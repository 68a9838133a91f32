import { Stack, Tags, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { TRAEFIK_INGRESS } from '../charts/contract';
import { BRAND_TAGS, brandStackName, issuerHost, resourceNamePrefix, servesPublicName, stackHostname } from '../config/naming';
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
import { amqpsEndpointOf, IdentityWorkloads } from '../constructs/cluster/identity-workloads';
import { RuntimeSecrets } from '../constructs/cluster/runtime-secrets';
import { SmokeClient, smokeReaderRoleName } from '../constructs/cluster/smoke-client';
import { stackHostnameProps } from '../constructs/dns/hostname-authority';
import { StackHostname } from '../constructs/dns/stack-hostname';

export interface BrandStackProps extends StackProps {
  /** The brand, region and stage this stack is for. */
  readonly target: BrandTarget;
  /**
   * The smoke test of this stack: the tenant the runtime provisions a smoke client in, and the
   * account (the release pipeline's) that may read the client's credentials through a role.
   * @default the brand's first customer; no reader role (a direct deploy has no pipeline)
   */
  readonly smokeTest?: { readonly tenant?: string; readonly readerAccount?: string };
  /**
   * The hosted zone of the stack hostname, from its BrandDnsStack.
   * @default - required only when the brand's dns is `delegatedSubdomain`
   */
  readonly delegatedZone?: route53.IHostedZone;
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
  readonly smokeClient: SmokeClient;
  readonly identity: IdentityWorkloads;
  /** The stack's names, their certificate and who publishes them. */
  readonly dns: StackHostname;

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
    // Names that must be fixed start with this and end with the stack-creation suffix (lib/config/naming.ts).
    const namePrefix = resourceNamePrefix(props.target);

    this.keys = new BrandKeys(this, 'Keys', {
      brandId: brand.id,
      customers: brand.customers,
      deletionWindow: stage.keyDeletionWindow,
      removalPolicy: removal,
      keyAdministrators: brand.operators.keyAdministratorArns.map((arn) => new iam.ArnPrincipal(arn)),
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
      namePrefix,
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
      namePrefix,
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
      brokerNamePrefix: namePrefix,
      deployment: stage.brokerDeployment,
      secretEncryptionKey: this.keys.platformKey,
      removalPolicy: removal,
    });

    this.backup = new BrandBackup(this, 'Backup', {
      namePrefix,
      encryptionKey: this.keys.platformKey,
      retention: stage.backupRetention,
      continuousResources: [this.database.clusterArn],
      snapshotResources: [this.mongo.clusterArn],
    });

    this.cluster = new BrandCluster(this, 'Cluster', {
      clusterNamePrefix: namePrefix,
      adminRoleArns: brand.operators.clusterAdminRoleArns,
      vpc: this.vpcs.appVpc,
      subnets: this.vpcs.workloadSubnets,
      key: this.keys.platformKey,
      ingressDomain: brand.domain,
      logRetention: stage.logRetention,
      removalPolicy: removal,
    });
    // Operators reach the private API endpoint only through the bastion (Session Manager port forwarding).
    this.cluster.allowApiAccessFrom(this.bastion);

    this.dns = new StackHostname(this, 'Dns', stackHostnameProps(this, {
      dns: brand.dns,
      domain: brand.domain,
      hostname: stackHostname(props.target),
      environment: props.target.environment,
      region: region.code,
      servesPublicName: servesPublicName(props.target),
      delegatedZone: props.delegatedZone,
    }));
    this.cluster.ingress.serve({ certificate: this.dns.certificate, hostnames: this.dns.names, dnsAnnotations: this.dns.serviceAnnotations });
    this.dns.publishFrom(this.cluster.cluster, { sourceNamespace: TRAEFIK_INGRESS.controllerNamespace, ownerId: this.stackName, after: [this.cluster.ingress.chart] });

    const smokeReader = props.smokeTest?.readerAccount;
    this.smokeClient = new SmokeClient(this, 'SmokeClient', {
      encryptionKey: this.keys.platformKey,
      tenant: props.smokeTest?.tenant ?? brand.customers[0],
      ...(smokeReader ? { readerAccount: smokeReader, readerRoleName: smokeReaderRoleName(props.target) } : {}),
    });

    this.runtimeSecrets = new RuntimeSecrets(this, 'RuntimeSecrets', {
      encryptionKey: this.keys.platformKey,
      databaseSecret: this.database.secret,
      brokerSecret: this.broker.adminSecret,
      auditStoreSecret: this.mongo.secret,
      smokeClientSecret: this.smokeClient.secret,
    });

    this.identity = new IdentityWorkloads(this, 'Identity', {
      cluster: this.cluster,
      runtimeSecrets: this.runtimeSecrets,
      keys: this.keys,
      domain: issuerHost(props.target),
      hostnames: this.dns.names,
      minReplicas: stage.minReplicas,
      maxReplicas: stage.maxReplicas,
      strictZoneSpread: stage.strictZoneSpread,
      dataStores: {
        postgresCidrs: this.vpcs.databaseSubnetCidrs,
        mongoCidr: brand.network.mongoCidr,
        rabbitCidr: brand.network.rabbitCidr,
      },
      brokerEndpoint: amqpsEndpointOf(this.broker.amqpsEndpoints),
      auditRetentionDays: stage.auditRetentionDays,
      podSubnetCidrs: this.vpcs.workloadSubnets.subnets.map((subnet) => subnet.ipv4CidrBlock),
      securityTopic: this.bastion.authFailureAlarm.topic,
    });
  }
}
