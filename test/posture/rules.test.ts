/**
 * The posture rules on the facts of every example BrandStack: all compliant.
 * And for each rule, the facts of a real stack with one problem planted yield a
 * violation that names the resource: a rule that cannot fail is no check. The
 * rules read typed facts, never the rendered lines, so rewording a label cannot
 * weaken them.
 */
import { ALL_RULES, checkPosture, type PostureFacts, type PostureRule } from '../../lib/posture';
import { AccessEntriesOnly } from '../../lib/posture/rules/cluster/access-entries-only';
import { ApiReachableOnlyFromSecurityGroups } from '../../lib/posture/rules/cluster/api-reachable-only-from-security-groups';
import { ClusterAdminsAreOperatorRoles } from '../../lib/posture/rules/cluster/cluster-admins-are-operator-roles';
import { ControlPlaneLogsComplete } from '../../lib/posture/rules/cluster/control-plane-logs-complete';
import { HelmChartsPinned } from '../../lib/posture/rules/cluster/helm-charts-pinned';
import { NamespacesEnforceRestrictedPodSecurity } from '../../lib/posture/rules/cluster/namespaces-enforce-restricted-pod-security';
import { NetworkPoliciesEnforced } from '../../lib/posture/rules/cluster/network-policies-enforced';
import { NodeVolumesEncryptedWithBrandKey } from '../../lib/posture/rules/cluster/node-volumes-encrypted-with-brand-key';
import { PrivateApiEndpoint } from '../../lib/posture/rules/cluster/private-api-endpoint';
import { SecretsEnvelopeEncrypted } from '../../lib/posture/rules/cluster/secrets-envelope-encrypted';
import { DatabaseClustersInBackupPlan } from '../../lib/posture/rules/backups/database-clusters-in-backup-plan';
import { VaultProtectsRecoveryPoints } from '../../lib/posture/rules/backups/vault-protects-recovery-points';
import { DataServicesEnforceTls } from '../../lib/posture/rules/encryption/data-services-enforce-tls';
import { StatefulResourcesEncryptedWithBrandKey } from '../../lib/posture/rules/encryption/stateful-resources-encrypted-with-brand-key';
import { ClientIpPreserved } from '../../lib/posture/rules/ingress/client-ip-preserved';
import { LoadBalancerTerminatesTls } from '../../lib/posture/rules/ingress/load-balancer-terminates-tls';
import { ProxyProtocolTrustedOnlyFromLoadBalancerSubnets } from '../../lib/posture/rules/ingress/proxy-protocol-trusted-only-from-load-balancer-subnets';
import { RoutesRateLimitedPerClient } from '../../lib/posture/rules/ingress/routes-rate-limited-per-client';
import { CustomerKeyGrantsOnlyForAwsResources } from '../../lib/posture/rules/keys/customer-key-grants-only-for-aws-resources';
import { CustomerKeyUseBoundToEncryptionContext } from '../../lib/posture/rules/keys/customer-key-use-bound-to-encryption-context';
import { CustomerKeysNotUsableByAccountRoot } from '../../lib/posture/rules/keys/customer-keys-not-usable-by-account-root';
import { KeyRotationEnabled } from '../../lib/posture/rules/keys/key-rotation-enabled';
import { KeySpecSymmetricDefault } from '../../lib/posture/rules/keys/key-spec-symmetric-default';
import { KeysAliasedForBrand } from '../../lib/posture/rules/keys/keys-aliased-for-brand';
import { PersonalDataUnderCustomerKeys } from '../../lib/posture/rules/keys/personal-data-under-customer-keys';
import { PlatformKeyUsedDirectlyOnlyToSealSigningKeys } from '../../lib/posture/rules/keys/platform-key-used-directly-only-to-seal-signing-keys';
import { SigningKeysSealedUnderPlatformKey } from '../../lib/posture/rules/keys/signing-keys-sealed-under-platform-key';
import { DataServicesNotPublic } from '../../lib/posture/rules/network/data-services-not-public';
import { DefaultSecurityGroupsRestricted } from '../../lib/posture/rules/network/default-security-groups-restricted';
import { Imdsv2Required } from '../../lib/posture/rules/network/imdsv2-required';
import { NoInternetFacingLoadBalancers } from '../../lib/posture/rules/network/no-internet-facing-load-balancers';
import { NoPlaintextAmqp } from '../../lib/posture/rules/network/no-plaintext-amqp';
import { NoPublicIpOnLaunch } from '../../lib/posture/rules/network/no-public-ip-on-launch';
import { NoWorldOpenIngress } from '../../lib/posture/rules/network/no-world-open-ingress';
import { PublicHostsAdmitOnlySshFromARange } from '../../lib/posture/rules/network/public-hosts-admit-only-ssh-from-a-range';
import { SshOnlyToPublicHosts } from '../../lib/posture/rules/network/ssh-only-to-public-hosts';
import { VpcFlowLogsEncrypted } from '../../lib/posture/rules/network/vpc-flow-logs-encrypted';
import { BrandTagsOnEveryResource } from '../../lib/posture/rules/placement/brand-tags-on-every-resource';
import { ConnectionStringsVerifyTls } from '../../lib/posture/rules/secrets/connection-strings-verify-tls';
import { BrokerAndDocumentStoreUrlsUseTls } from '../../lib/posture/rules/secrets/broker-and-document-store-urls-use-tls';
import { SecretFilesReadOnlyAndRefreshed } from '../../lib/posture/rules/secrets/secret-files-read-only-and-refreshed';
import { SecretStoreLeastPrivilege } from '../../lib/posture/rules/secrets/secret-store-least-privilege';
import { SettingsFromBrandEncryptedSecrets } from '../../lib/posture/rules/secrets/settings-from-brand-encrypted-secrets';
import { Autoscaled } from '../../lib/posture/rules/workloads/autoscaled';
import { ContainersHardened } from '../../lib/posture/rules/workloads/containers-hardened';
import { DefaultDenyNetworkPolicy } from '../../lib/posture/rules/workloads/default-deny-network-policy';
import { DisruptionBudgetDefined } from '../../lib/posture/rules/workloads/disruption-budget-defined';
import { ProbesDefined } from '../../lib/posture/rules/workloads/probes-defined';
import { ResourcesBounded } from '../../lib/posture/rules/workloads/resources-bounded';
import { ServiceAccountTokenNotMounted } from '../../lib/posture/rules/workloads/service-account-token-not-mounted';
import { SpreadAcrossZones } from '../../lib/posture/rules/workloads/spread-across-zones';
import { StrictMtls } from '../../lib/posture/rules/workloads/strict-mtls';
import { EXAMPLE_TARGETS } from '../helpers/synth';
import { copyOf, factsOf, only, type Mutable } from './facts';

describe.each(EXAMPLE_TARGETS)('posture rules on BrandStack $brand/$stage', (target) => {
  test('every rule is compliant', () => {
    expect(checkPosture(factsOf(target))).toEqual([]);
  });

  test.each(ALL_RULES.map((rule) => [rule.id, rule]))('%s: compliant', (_id, rule) => {
    expect(rule.check(factsOf(target))).toEqual({ compliant: true });
  });
});

type Facts = Mutable<PostureFacts>;

interface PlantedProblem {
  readonly rule: PostureRule;
  readonly problem: string;
  readonly plant: (facts: Facts) => void;
  /** The resource the violation must name. */
  readonly resource: string;
  /** What its reason must say. */
  readonly reason: RegExp;
}

/** The acme/high stack: every kind of resource, every protection on. */
const TARGET = { brand: 'acme', stage: 'high' } as const;
const BROKER = 'AWS::AmazonMQ::Broker Broker';
/** The cluster's name: a prefix and the stack-creation suffix (lib/config/naming.ts). */
const CLUSTER = 'acme-high-<stack id>';
const OPERATOR = 'arn:aws:iam::222222222222:role/acme-operators';
const WORKLOAD = 'identity/token-service';
const CONTAINER = `${WORKLOAD} container runtime`;

const cluster = (f: Facts) => f.cluster!;
const workload = (f: Facts) => only(cluster(f).workloads, (w) => `${w.namespace}/${w.name}` === WORKLOAD, 'token-service workload');
const container = (f: Facts) => only(workload(f).containers, (c) => c.name === 'runtime', 'runtime container');
const atRest = (f: Facts, type: string) => only(f.encryption.atRest, (r) => r.type === type, type);
const key = (f: Facts, alias: string) => only(f.encryption.keys, (k) => k.key.kind === 'stack' && k.key.alias === alias, alias);
const secret = (f: Facts, setting: string) => only(workload(f).secrets, (s) => s.setting === setting, setting);
const vpc = (f: Facts, name: string) => only(f.network.vpcs, (v) => v.name === name, name);
const dataService = (f: Facts, kind: string) => only(f.encryption.dataServices, (s) => s.transit.kind === kind, kind);
const runtimeKeys = (f: Facts) => only(f.runtimeKeys.workloads, (w) => w.workload === WORKLOAD, 'token-service key facts');
/** The statement that lets the runtime seal signing keys: its context keys include brandstack:kid. */
const sealUse = (f: Facts) => only(runtimeKeys(f).platformKeyUse, (u) => u.conditions.some((c) => c.key === 'kms:EncryptionContextKeys' && c.values.includes('brandstack:kid')), 'signing-key seal statement');
const documentUse = (f: Facts) => only(runtimeKeys(f).platformKeyUse, (u) => u.conditions.some((c) => c.key === 'kms:EncryptionContextKeys' && !c.values.includes('brandstack:kid')), 'document attestation statement');
const purposeOf = (f: Facts) => only(sealUse(f).conditions, (c) => c.key === 'kms:EncryptionContext:brandstack:purpose', 'purpose condition');
const lb = (f: Facts) => only(cluster(f).ingress.controllers, (c) => c.loadBalancer.release === 'traefik', 'traefik').loadBalancer;
const route = (f: Facts) => cluster(f).ingress.routes[0];
const entrypoint = (f: Facts) => only(cluster(f).ingress.controllers[0].entrypoints, (e) => e.name === 'websecure', 'websecure');
const externalSecretsSource = (f: Facts, setting: string) => {
  const source = secret(f, setting).source;
  if (source.kind !== 'external-secrets') throw new Error(`${setting} is not produced by External Secrets`);
  return source;
};
const operatorRole = (f: Facts) => {
  const auth = only(cluster(f).secretStores, (s) => s.name === 'aws-secrets-manager', 'store').provider;
  if (auth.kind !== 'aws' || auth.auth.kind !== 'operator-pod-identity') throw new Error('not the operator identity');
  return auth.auth.roles[0];
};

const PLATFORM = 'alias/brandstack/acme/platform';
const GLOBEX = 'alias/brandstack/acme/globex';

const PROBLEMS: PlantedProblem[] = [
  // encryption
  { rule: StatefulResourcesEncryptedWithBrandKey, problem: 'an unencrypted topic', plant: (f) => void (atRest(f, 'AWS::SNS::Topic').protections = [{ kind: 'unencrypted' }]), resource: 'AWS::SNS::Topic BastionAuthFailuresTopic', reason: /^unencrypted$/ },
  { rule: StatefulResourcesEncryptedWithBrandKey, problem: 'an AWS-owned key without a reason', plant: (f) => void delete atRest(f, 'AWS::AmazonMQ::Broker').exceptionReason, resource: BROKER, reason: /AWS-owned key without a stated reason/ },
  { rule: StatefulResourcesEncryptedWithBrandKey, problem: "a key outside the stack", plant: (f) => void (atRest(f, 'AWS::DocDB::DBCluster').protections = [{ kind: 'key', key: { kind: 'external', reference: 'arn:aws:kms:eu-central-1:222222222222:key/x' } }]), resource: 'AWS::DocDB::DBCluster MongoCluster', reason: /is not a key of brand acme/ },
  { rule: StatefulResourcesEncryptedWithBrandKey, problem: 'Performance Insights under the AWS-managed key', plant: (f) => void (atRest(f, 'AWS::RDS::DBCluster').performanceInsights = [{ kind: 'aws-managed', alias: 'alias/aws/rds' }]), resource: 'AWS::RDS::DBCluster DatabaseCluster', reason: /Performance Insights under alias\/aws\/rds/ },
  { rule: StatefulResourcesEncryptedWithBrandKey, problem: 'an instance without block device mappings', plant: (f) => void (atRest(f, 'AWS::EC2::Instance').protections = [{ kind: 'no-block-device-mapping' }]), resource: 'AWS::EC2::Instance BastionInstance', reason: /account default/ },
  { rule: DataServicesEnforceTls, problem: 'rds.force_ssl off', plant: (f) => void (dataService(f, 'rds').transit = { kind: 'rds', forceSsl: false, minimumTlsVersion: 'TLSv1.2' }), resource: 'AWS::RDS::DBCluster DatabaseCluster', reason: /rds.force_ssl is not 1/ },
  { rule: DataServicesEnforceTls, problem: 'TLS 1.1 allowed', plant: (f) => void (dataService(f, 'rds').transit = { kind: 'rds', forceSsl: true, minimumTlsVersion: 'TLSv1.1' }), resource: 'AWS::RDS::DBCluster DatabaseCluster', reason: /TLSv1.1 is below TLSv1.2/ },
  { rule: DataServicesEnforceTls, problem: 'DocumentDB tls disabled', plant: (f) => void (dataService(f, 'docdb').transit = { kind: 'docdb', tls: 'disabled' }), resource: 'AWS::DocDB::DBCluster MongoCluster', reason: /tls=disabled/ },
  // keys
  { rule: KeyRotationEnabled, problem: 'rotation off', plant: (f) => void (key(f, PLATFORM).rotation = false), resource: PLATFORM, reason: /rotation is off/ },
  { rule: KeySpecSymmetricDefault, problem: 'an asymmetric key', plant: (f) => void (key(f, GLOBEX).keySpec = 'RSA_2048'), resource: GLOBEX, reason: /RSA_2048/ },
  { rule: KeysAliasedForBrand, problem: 'a key without alias', plant: (f) => void delete (key(f, GLOBEX).key as { alias?: string }).alias, resource: 'KeysCustomerglobex (no alias)', reason: /no alias under alias\/brandstack\/acme\// },
  { rule: CustomerKeysNotUsableByAccountRoot, problem: 'the root may kms:*', plant: (f) => void only(key(f, GLOBEX).policy, (s) => s.accountRoot && s.actions.includes('kms:PutKeyPolicy'), 'root administration').actions.push('kms:*'), resource: GLOBEX, reason: /account root may use the key: kms:Encrypt, kms:Decrypt/ },
  { rule: CustomerKeysNotUsableByAccountRoot, problem: 'the root may create any grant', plant: (f) => void (only(key(f, GLOBEX).policy, (s) => s.accountRoot && s.actions.includes('kms:CreateGrant'), 'root grant statement').conditions = []), resource: GLOBEX, reason: /account root may create a grant for itself/ },
  { rule: CustomerKeysNotUsableByAccountRoot, problem: 'the root may kms:Create* (CreateGrant) unconditioned', plant: (f) => void only(key(f, GLOBEX).policy, (s) => s.accountRoot && s.actions.includes('kms:PutKeyPolicy'), 'root administration').actions.push('kms:Create*'), resource: GLOBEX, reason: /kms:CreateGrant without kms:GrantIsForAWSResource=true/ },
  { rule: CustomerKeyGrantsOnlyForAwsResources, problem: 'a grantee that may create grants', plant: (f) => void only(key(f, GLOBEX).policy, (s) => s.customerContext === 'globex', 'grant').actions.push('kms:CreateGrant'), resource: GLOBEX, reason: /IdentityRoletokenservice may create any grant/ },
  { rule: CustomerKeysNotUsableByAccountRoot, problem: 'the root may kms:Re* (ReEncrypt)', plant: (f) => void only(key(f, GLOBEX).policy, (s) => s.accountRoot && s.actions.includes('kms:PutKeyPolicy'), 'root administration').actions.push('kms:Re*'), resource: GLOBEX, reason: /kms:ReEncryptFrom, kms:ReEncryptTo$/ },
  { rule: CustomerKeyUseBoundToEncryptionContext, problem: 'a grant without the context', plant: (f) => void delete only(key(f, GLOBEX).policy, (s) => s.customerContext === 'globex', 'grant').customerContext, resource: GLOBEX, reason: /IdentityRoletokenservice may use the key without the encryption context brandstack:customer=globex/ },
  { rule: CustomerKeyUseBoundToEncryptionContext, problem: "another customer's context", plant: (f) => void (only(key(f, GLOBEX).policy, (s) => s.customerContext === 'globex', 'grant').customerContext = 'acme-retail'), resource: GLOBEX, reason: /with the context of acme-retail, not/ },
  { rule: PersonalDataUnderCustomerKeys, problem: 'the local key provider', plant: (f) => void (runtimeKeys(f).personalDataProvider = 'local'), resource: WORKLOAD, reason: /PII_KEY_PROVIDER=local: personal data would be wrapped by master keys held in the pod/ },
  { rule: PersonalDataUnderCustomerKeys, problem: 'another brand', plant: (f) => void (runtimeKeys(f).brand = 'koala'), resource: WORKLOAD, reason: /BRANDSTACK_BRAND is koala, not the stack's brand acme/ },
  { rule: PersonalDataUnderCustomerKeys, problem: 'a customer without a key', plant: (f) => void runtimeKeys(f).customers!.push('initech'), resource: WORKLOAD, reason: /BRANDSTACK_CUSTOMERS lists initech, which has no customer key/ },
  { rule: PersonalDataUnderCustomerKeys, problem: 'a customer key not listed', plant: (f) => void (runtimeKeys(f).customers = ['acme-retail', 'acme-wholesale']), resource: WORKLOAD, reason: /does not list globex: its tenants cannot be onboarded/ },
  { rule: PersonalDataUnderCustomerKeys, problem: 'no re-wrap on a key', plant: (f) => void (only(runtimeKeys(f).customerKeyUse, (u) => u.customer === 'globex' && u.customerContext === 'globex', 'globex use').actions = ['kms:GenerateDataKey', 'kms:Decrypt']), resource: WORKLOAD, reason: /alias\/brandstack\/acme\/globex: the key policy does not let role IdentityRoletokenservice kms:ReEncryptFrom, kms:ReEncryptTo with globex's encryption context/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'Decrypt under any context', plant: (f) => void (sealUse(f).conditions = []), resource: WORKLOAD, reason: /may use alias\/brandstack\/acme\/platform directly with any encryption context keys, with any brandstack:purpose, not exactly the context of/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'ForAllValues without presence tests', plant: (f) => void (sealUse(f).conditions = sealUse(f).conditions.filter((c) => c.operator !== 'Null')), resource: WORKLOAD, reason: /without requiring each of brandstack:kid, brandstack:purpose, brandstack:tenant \(ForAllValues alone also admits an empty context\), not exactly the context of private signing keys/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'an extra context key', plant: (f) => void only(sealUse(f).conditions, (c) => c.key === 'kms:EncryptionContextKeys', 'keys condition').values.push('aws:logs:arn'), resource: WORKLOAD, reason: /with encryption context keys aws:logs:arn, brandstack:kid, brandstack:purpose, brandstack:tenant, not exactly the context of private signing keys/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'any purpose', plant: (f) => void (sealUse(f).conditions = sealUse(f).conditions.filter((c) => c.operator !== 'StringLike')), resource: WORKLOAD, reason: /with any brandstack:purpose, not exactly the context of private signing keys/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'a foreign purpose', plant: (f) => void purposeOf(f).values.push('blind-index'), resource: WORKLOAD, reason: /with brandstack:purpose blind-index, not exactly the context of private signing keys/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'documents under any purpose', plant: (f) => void (only(documentUse(f).conditions, (c) => c.operator === 'StringLike', 'document purpose').values = ['*']), resource: WORKLOAD, reason: /with brandstack:purpose \*, not exactly the context of document attestations/ },
  { rule: PlatformKeyUsedDirectlyOnlyToSealSigningKeys, problem: 'Encrypt on the platform key', plant: (f) => void sealUse(f).actions.push('kms:Encrypt'), resource: WORKLOAD, reason: /kms:Encrypt beyond the seal's kms:GenerateDataKey, kms:Decrypt/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: 'the local seal', plant: (f) => void (runtimeKeys(f).signingKeySeal = 'local'), resource: WORKLOAD, reason: /SIGNING_KEY_SEAL=local/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: 'no direct use of the platform key', plant: (f) => void (runtimeKeys(f).platformKeyUse = []), resource: WORKLOAD, reason: /may not kms:GenerateDataKey on the platform key for private signing keys and public JWK attestations \(purpose signing-private-key\)/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: 'a context the seal does not send', plant: (f) => void only(sealUse(f).conditions, (c) => c.key === 'kms:EncryptionContextKeys', 'keys condition').values.splice(1), resource: WORKLOAD, reason: /may not kms:Decrypt on the platform key for private signing keys/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: "the attestations' purpose refused", plant: (f) => void (purposeOf(f).values = ['signing-private-key']), resource: WORKLOAD, reason: /may not kms:GenerateDataKey on the platform key for private signing keys and public JWK attestations \(purpose signing-public-key\)/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: 'no document attestations', plant: (f) => void runtimeKeys(f).platformKeyUse.splice(runtimeKeys(f).platformKeyUse.indexOf(documentUse(f)), 1), resource: WORKLOAD, reason: /may not kms:Decrypt on the platform key for document attestations \(client JWKS\) \(purpose document:\*\)/ },
  { rule: SigningKeysSealedUnderPlatformKey, problem: 'KEY_ENCRYPTION_KEY dropped', plant: (f) => void (runtimeKeys(f).legacyKeyEncryptionKey = false), resource: WORKLOAD, reason: /KEY_ENCRYPTION_KEY is not delivered/ },
  // network
  { rule: NoWorldOpenIngress, problem: 'Aurora open to the world', plant: (f) => void f.network.ingressRules.push({ securityGroup: 'NetworkDatabaseSecurityGroup', protocol: 'tcp', ports: { from: 5432, to: 5432 }, source: { kind: 'cidr', cidr: '0.0.0.0/0' } }), resource: 'NetworkDatabaseSecurityGroup', reason: /tcp port 5432 from 0.0.0.0\/0/ },
  { rule: NoWorldOpenIngress, problem: 'IPv6 world', plant: (f) => void f.network.ingressRules.push({ securityGroup: 'NetworkRabbitSecurityGroup', protocol: 'all', ports: 'all', source: { kind: 'cidr', cidr: '::/0' } }), resource: 'NetworkRabbitSecurityGroup', reason: /::\/0/ },
  { rule: PublicHostsAdmitOnlySshFromARange, problem: 'SSH from the world', plant: (f) => void (only(f.network.ingressRules, (r) => r.securityGroup === 'BastionSecurityGroup', 'bastion rule').source = { kind: 'cidr', cidr: '0.0.0.0/0' }), resource: 'BastionInstance', reason: /admits tcp port 22 from/ },
  { rule: PublicHostsAdmitOnlySshFromARange, problem: 'the bastion admits HTTPS', plant: (f) => void f.network.ingressRules.push({ securityGroup: 'BastionSecurityGroup', protocol: 'tcp', ports: { from: 443, to: 443 }, source: { kind: 'cidr', cidr: '198.51.100.0/24' } }), resource: 'BastionInstance', reason: /port 443/ },
  { rule: SshOnlyToPublicHosts, problem: 'SSH to the database group', plant: (f) => void f.network.ingressRules.push({ securityGroup: 'NetworkDatabaseSecurityGroup', protocol: 'tcp', ports: { from: 20, to: 30 }, source: { kind: 'cidr', cidr: '10.10.0.0/16' } }), resource: 'NetworkDatabaseSecurityGroup', reason: /admits SSH/ },
  { rule: NoInternetFacingLoadBalancers, problem: 'an internet-facing ALB', plant: (f) => void f.network.loadBalancers.push({ name: 'ConsoleLb', scheme: 'internet-facing', type: 'application' }), resource: 'ConsoleLb', reason: /internet-facing application/ },
  { rule: NoPublicIpOnLaunch, problem: 'a subnet that assigns public IPs', plant: (f) => void (vpc(f, 'NetworkAppVpc').subnets.find((s) => s.group === 'Public')!.mapPublicIpOnLaunch = true), resource: 'NetworkAppVpc/Public eu-central-1a (10.10.192.0/22)', reason: /public IP/ },
  { rule: NoPlaintextAmqp, problem: 'a port range covering 5672', plant: (f) => void f.network.ingressRules.push({ securityGroup: 'NetworkRabbitSecurityGroup', protocol: 'tcp', ports: { from: 5600, to: 5700 }, source: { kind: 'cidr', cidr: '10.10.0.0/18' } }), resource: 'NetworkRabbitSecurityGroup', reason: /5600-5700/ },
  { rule: NoPlaintextAmqp, problem: 'an ACL entry for all traffic', plant: (f) => void only(f.network.networkAcls, (a) => a.name === 'NetworkRabbitAcl', 'acl').entries.push({ direction: 'ingress', ruleNumber: 300, action: 'allow', protocol: -1, ports: 'all', cidr: '10.10.0.0/16' }), resource: 'NetworkRabbitAcl', reason: /entry 300/ },
  { rule: Imdsv2Required, problem: 'IMDSv1 on the bastion', plant: (f) => void (only(f.network.instanceMetadata, (m) => m.name === 'BastionInstance', 'bastion').imdsv2Required = false), resource: 'BastionInstance', reason: /IMDSv1/ },
  { rule: VpcFlowLogsEncrypted, problem: 'no flow log', plant: (f) => void (vpc(f, 'NetworkMongoVpc').flowLogs = []), resource: 'NetworkMongoVpc', reason: /no flow log of ALL traffic/ },
  { rule: VpcFlowLogsEncrypted, problem: 'a flow log group without a key', plant: (f) => void delete (vpc(f, 'NetworkAppVpc').flowLogs[0].destination as { key?: unknown }).key, resource: 'NetworkAppVpc', reason: /not in a log group encrypted/ },
  { rule: DefaultSecurityGroupsRestricted, problem: 'a default group left open', plant: (f) => void (vpc(f, 'NetworkRabbitVpc').defaultSecurityGroupRestricted = false), resource: 'NetworkRabbitVpc', reason: /default security group/ },
  { rule: DataServicesNotPublic, problem: 'a public broker', plant: (f) => void (dataService(f, 'rabbitmq').transit = { kind: 'rabbitmq', publiclyAccessible: true }), resource: BROKER, reason: /publicly accessible/ },
  // cluster
  { rule: PrivateApiEndpoint, problem: 'a public endpoint', plant: (f) => void (cluster(f).controlPlane.endpoint = { publicAccess: true, privateAccess: true, publicCidrs: ['0.0.0.0/0'] }), resource: CLUSTER, reason: /public from 0.0.0.0\/0/ },
  { rule: SecretsEnvelopeEncrypted, problem: 'no envelope encryption', plant: (f) => void (cluster(f).controlPlane.envelopeEncryption = []), resource: CLUSTER, reason: /not envelope-encrypted/ },
  { rule: ControlPlaneLogsComplete, problem: 'no audit log', plant: (f) => void (cluster(f).controlPlane.logTypes = ['api', 'authenticator']), resource: CLUSTER, reason: /audit, controllerManager, scheduler/ },
  { rule: AccessEntriesOnly, problem: 'the deployer made admin', plant: (f) => void (cluster(f).controlPlane.creatorIsAdmin = true), resource: CLUSTER, reason: /made cluster admin/ },
  { rule: AccessEntriesOnly, problem: 'the aws-auth ConfigMap', plant: (f) => void (cluster(f).controlPlane.authenticationMode = 'API_AND_CONFIG_MAP'), resource: CLUSTER, reason: /API_AND_CONFIG_MAP/ },
  { rule: ApiReachableOnlyFromSecurityGroups, problem: 'the API from the VPC range', plant: (f) => void cluster(f).controlPlane.apiAccess.push({ securityGroup: 'ClusterApiSecurityGroup', protocol: 'tcp', ports: { from: 443, to: 443 }, source: { kind: 'cidr', cidr: '10.10.0.0/16' } }), resource: 'ClusterApiSecurityGroup', reason: /from the address range 10.10.0.0\/16, not from a security group/ },
  { rule: ApiReachableOnlyFromSecurityGroups, problem: 'every port from the bastion', plant: (f) => void ((only(cluster(f).controlPlane.apiAccess, (r) => r.source.kind === 'security-group', 'bastion rule') as { ports: unknown }).ports = 'all'), resource: 'ClusterApiSecurityGroup', reason: /admits tcp all ports; the API endpoint needs tcp 443 only/ },
  { rule: ClusterAdminsAreOperatorRoles, problem: 'an operator role admitted in every account', plant: (f) => void delete (only(cluster(f).controlPlane.accessEntries, (e) => e.principal.kind === 'role-arn' && e.principal.arn === OPERATOR, 'operator entry') as { onlyInAccount?: string }).onlyInAccount, resource: OPERATOR, reason: /admitted in every account .* not only in 222222222222/ },
  { rule: ClusterAdminsAreOperatorRoles, problem: "an operator role admitted in another stage's account", plant: (f) => void ((only(cluster(f).controlPlane.accessEntries, (e) => e.principal.kind === 'role-arn' && e.principal.arn === OPERATOR, 'operator entry') as { onlyInAccount?: string }).onlyInAccount = '333333333333'), resource: OPERATOR, reason: /deploying account is 333333333333, not the role's own 222222222222/ },
  { rule: ClusterAdminsAreOperatorRoles, problem: 'a stack role the account root may assume', plant: (f) => void cluster(f).controlPlane.accessEntries.push({ principal: { kind: 'stack-role', role: 'ClusterClusterAdmin', assumableBy: ['arn:{{Ref:AWS::Partition}}:iam::111111111111:root'] }, type: 'STANDARD', policies: [{ policy: 'AmazonEKSClusterAdminPolicy', scope: 'cluster' }] }), resource: 'ClusterClusterAdmin', reason: /is cluster admin and may be assumed by arn:.*:iam::111111111111:root/ },
  { rule: HelmChartsPinned, problem: 'an unpinned chart', plant: (f) => void delete only(cluster(f).controlPlane.helmReleases, (h) => h.release === 'traefik', 'traefik').version, resource: 'traefik', reason: /not pinned/ },
  { rule: NetworkPoliciesEnforced, problem: 'the policy controller off', plant: (f) => void (cluster(f).compute.networkPolicyController = false), resource: CLUSTER, reason: /not enforced/ },
  { rule: NodeVolumesEncryptedWithBrandKey, problem: 'node volumes under the AWS-managed key', plant: (f) => void delete cluster(f).compute.nodeClasses[0].volumeKey, resource: 'NodeClass brandstack', reason: /AWS-managed EBS key/ },
  { rule: NamespacesEnforceRestrictedPodSecurity, problem: 'a baseline namespace', plant: (f) => void (only(cluster(f).namespaces, (n) => n.name === 'identity', 'identity').podSecurity = 'baseline'), resource: 'namespace identity', reason: /baseline/ },
  // ingress
  { rule: LoadBalancerTerminatesTls, problem: 'a TLS 1.0 policy', plant: (f) => void (lb(f).sslPolicy = 'ELBSecurityPolicy-2016-08'), resource: 'traefik', reason: /ELBSecurityPolicy-2016-08/ },
  { rule: LoadBalancerTerminatesTls, problem: 'no certificate', plant: (f) => void (lb(f).certificate = { kind: 'none' }), resource: 'traefik', reason: /no certificate/ },
  { rule: LoadBalancerTerminatesTls, problem: 'a plain HTTP entrypoint', plant: (f) => void cluster(f).ingress.controllers[0].entrypoints.push({ release: 'traefik', name: 'web', exposedPort: 80, tlsAtTraefik: false }), resource: 'traefik entrypoint web', reason: /port 80 without TLS/ },
  { rule: LoadBalancerTerminatesTls, problem: 'a certificate no zone validates', plant: (f) => void (lb(f).certificate = { kind: 'acm', domain: 'eu-central-1.high.id.acme.example.com', validation: 'DNS', validationZones: [{ domain: 'eu-central-1.high.id.acme.example.com' }] }), resource: 'traefik', reason: /no hosted zone validates eu-central-1.high.id.acme.example.com: .* by hand/ },
  { rule: ProxyProtocolTrustedOnlyFromLoadBalancerSubnets, problem: 'the whole VPC trusted', plant: (f) => void (entrypoint(f).trustedProxyCidrs = ['10.10.0.0/16']), resource: 'traefik entrypoint websecure', reason: /trusts 10.10.0.0\/16, which overlaps pod subnet 10.10.0.0\/18: a pod could forge the client address/ },
  { rule: ProxyProtocolTrustedOnlyFromLoadBalancerSubnets, problem: 'a pod subnet trusted', plant: (f) => void (entrypoint(f).trustedProxyCidrs = [...entrypoint(f).trustedProxyCidrs!, cluster(f).ingress.podSubnets[1].cidr]), resource: 'traefik entrypoint websecure', reason: /which is not a load balancer subnet/ },
  { rule: ProxyProtocolTrustedOnlyFromLoadBalancerSubnets, problem: 'a load balancer subnet left out', plant: (f) => void (entrypoint(f).trustedProxyCidrs = entrypoint(f).trustedProxyCidrs!.slice(1)), resource: 'traefik entrypoint websecure', reason: /does not trust load balancer subnet/ },
  { rule: ProxyProtocolTrustedOnlyFromLoadBalancerSubnets, problem: 'no trusted source behind a PROXY-protocol load balancer', plant: (f) => void delete entrypoint(f).trustedProxyCidrs, resource: 'traefik entrypoint websecure', reason: /trusts no source/ },
  { rule: ClientIpPreserved, problem: 'proxy protocol off', plant: (f) => void (lb(f).proxyProtocolV2 = false), resource: 'traefik', reason: /client IP is lost/ },
  { rule: RoutesRateLimitedPerClient, problem: 'a limit per host', plant: (f) => void (route(f).limits = route(f).limits.map((l) => (l.kind === 'rate' ? { ...l, per: { kind: 'host' as const } } : l))), resource: 'route eu-central-1.high.id.acme.example.com/.well-known/', reason: /rate limit is per host/ },
  { rule: RoutesRateLimitedPerClient, problem: 'a missing middleware', plant: (f) => void (route(f).limits = [{ kind: 'missing', middleware: 'identity-ratelimit@kubernetescrd' }]), resource: 'route eu-central-1.high.id.acme.example.com/.well-known/', reason: /does not exist/ },
  // workloads
  { rule: ContainersHardened, problem: 'may run as root', plant: (f) => void (container(f).securityContext!.runAsNonRoot = false, (workload(f).podSecurityContext!.runAsNonRoot = false)), resource: CONTAINER, reason: /may run as root/ },
  { rule: ContainersHardened, problem: 'a writable root filesystem', plant: (f) => void (container(f).securityContext!.readOnlyRootFilesystem = false), resource: CONTAINER, reason: /writable/ },
  { rule: ContainersHardened, problem: 'capabilities kept', plant: (f) => void (container(f).securityContext!.drop = []), resource: CONTAINER, reason: /drop ALL/ },
  { rule: ContainersHardened, problem: 'no seccomp profile', plant: (f) => void delete container(f).securityContext!.seccompProfile, resource: CONTAINER, reason: /seccomp profile unset/ },
  { rule: ContainersHardened, problem: 'privilege escalation', plant: (f) => void (container(f).securityContext!.allowPrivilegeEscalation = true), resource: CONTAINER, reason: /privilege escalation/ },
  { rule: ProbesDefined, problem: 'no readiness probe', plant: (f) => void delete container(f).probes.readiness, resource: CONTAINER, reason: /no readiness probe/ },
  { rule: DisruptionBudgetDefined, problem: 'no PDB', plant: (f) => void delete workload(f).disruptionBudget, resource: WORKLOAD, reason: /PodDisruptionBudget/ },
  { rule: Autoscaled, problem: 'no HPA', plant: (f) => void delete workload(f).autoscaler, resource: WORKLOAD, reason: /no HorizontalPodAutoscaler/ },
  { rule: Autoscaled, problem: 'an HPA down to one', plant: (f) => void (workload(f).autoscaler!.minReplicas = 1), resource: WORKLOAD, reason: /down to 1/ },
  { rule: ResourcesBounded, problem: 'no memory limit', plant: (f) => void delete container(f).resources.memoryLimit, resource: CONTAINER, reason: /memory limit/ },
  { rule: ServiceAccountTokenNotMounted, problem: 'the token mounted', plant: (f) => void (workload(f).serviceAccountTokenMounted = true), resource: WORKLOAD, reason: /mounted/ },
  { rule: SpreadAcrossZones, problem: 'no zone spread', plant: (f) => void (workload(f).zoneSpread = []), resource: WORKLOAD, reason: /zone spread/ },
  { rule: DefaultDenyNetworkPolicy, problem: 'no default deny', plant: (f) => void (workload(f).networkPolicies = workload(f).networkPolicies.filter((p) => p.name !== 'default-deny')), resource: WORKLOAD, reason: /denies all ingress and egress/ },
  { rule: DefaultDenyNetworkPolicy, problem: 'a default deny of ingress only', plant: (f) => void (only(workload(f).networkPolicies, (p) => p.name === 'default-deny', 'default-deny').policyTypes = ['Ingress']), resource: WORKLOAD, reason: /denies all ingress and egress/ },
  { rule: StrictMtls, problem: 'PERMISSIVE mTLS', plant: (f) => void (workload(f).namespaceMtls = 'PERMISSIVE'), resource: WORKLOAD, reason: /PERMISSIVE, not STRICT/ },
  { rule: StrictMtls, problem: 'out of the mesh', plant: (f) => void (only(cluster(f).namespaces, (n) => n.name === 'identity', 'identity').ambientMesh = false), resource: WORKLOAD, reason: /not enrolled in the mesh/ },
  // secrets
  { rule: SettingsFromBrandEncryptedSecrets, problem: 'a Secret no one fills', plant: (f) => void (secret(f, 'PLATFORM_ADMIN_CLIENT_SECRET').source = { kind: 'no-external-secret' }), resource: `${WORKLOAD} PLATFORM_ADMIN_CLIENT_SECRET`, reason: /no ExternalSecret writes Secret identity-runtime/ },
  { rule: SettingsFromBrandEncryptedSecrets, problem: 'a key the ExternalSecret does not write', plant: (f) => void (secret(f, 'PLATFORM_ADMIN_CLIENT_SECRET').source = { kind: 'key-not-written', externalSecret: 'identity/identity-runtime' }), resource: `${WORKLOAD} PLATFORM_ADMIN_CLIENT_SECRET`, reason: /writes no PLATFORM_ADMIN_CLIENT_SECRET/ },
  { rule: SettingsFromBrandEncryptedSecrets, problem: 'a secret under the AWS-managed key', plant: (f) => void (externalSecretsSource(f, 'DATABASE_URL').inputs[0].secret = { kind: 'stack', logicalId: 'X', name: 'X', key: { kind: 'aws-managed', alias: 'alias/aws/secretsmanager' } }), resource: `${WORKLOAD} DATABASE_URL`, reason: /alias\/aws\/secretsmanager is not a key of brand acme/ },
  { rule: SecretFilesReadOnlyAndRefreshed, problem: 'a subPath mount', plant: (f) => void ((secret(f, 'DATABASE_URL').via as { subPath: boolean }).subPath = true), resource: `${WORKLOAD} DATABASE_URL`, reason: /never refreshes/ },
  { rule: SecretFilesReadOnlyAndRefreshed, problem: 'a world-readable file', plant: (f) => void ((secret(f, 'DATABASE_URL').via as { mode: number }).mode = 0o644), resource: `${WORKLOAD} DATABASE_URL`, reason: /mode 0644/ },
  { rule: SecretFilesReadOnlyAndRefreshed, problem: 'a writable mount', plant: (f) => void ((secret(f, 'DATABASE_URL').via as { readOnly: boolean }).readOnly = false), resource: `${WORKLOAD} DATABASE_URL`, reason: /writable/ },
  { rule: ConnectionStringsVerifyTls, problem: 'sslmode require', plant: (f) => void (externalSecretsSource(f, 'DATABASE_URL').connection = { kind: 'postgres', sslMode: 'require' }), resource: `${WORKLOAD} DATABASE_URL`, reason: /sslmode require, not verify-full/ },
  { rule: ConnectionStringsVerifyTls, problem: 'no sslmode', plant: (f) => void (externalSecretsSource(f, 'DATABASE_URL').connection = { kind: 'postgres' }), resource: `${WORKLOAD} DATABASE_URL`, reason: /no sslmode \(libpq prefers, and falls back to plaintext\)/ },
  { rule: BrokerAndDocumentStoreUrlsUseTls, problem: 'plaintext AMQP', plant: (f) => void (externalSecretsSource(f, 'AMQP_URL').connection = { kind: 'amqp', tls: false }), resource: `${WORKLOAD} AMQP_URL`, reason: /plaintext amqp:\/\//},
  { rule: BrokerAndDocumentStoreUrlsUseTls, problem: 'MongoDB without TLS', plant: (f) => void (externalSecretsSource(f, 'AUDIT_MONGO_URL').connection = { kind: 'mongodb', tls: false, insecureOptions: [] }), resource: `${WORKLOAD} AUDIT_MONGO_URL`, reason: /without tls=true/ },
  { rule: BrokerAndDocumentStoreUrlsUseTls, problem: 'MongoDB certificate checks off', plant: (f) => void (externalSecretsSource(f, 'AUDIT_MONGO_URL').connection = { kind: 'mongodb', tls: true, caFile: '/x', insecureOptions: ['tlsAllowInvalidCertificates'] }), resource: `${WORKLOAD} AUDIT_MONGO_URL`, reason: /tlsAllowInvalidCertificates switches certificate checks off/ },
  { rule: SecretStoreLeastPrivilege, problem: 'a role that may list every secret', plant: (f) => void operatorRole(f).statements[0].actions.push('secretsmanager:ListSecrets'), resource: 'SecretStore identity/aws-secrets-manager', reason: /allows secretsmanager:ListSecrets/ },
  { rule: SecretStoreLeastPrivilege, problem: 'a role that may read any secret', plant: (f) => void operatorRole(f).statements[0].resources.push({ kind: 'literal', text: '*' }), resource: 'SecretStore identity/aws-secrets-manager', reason: /reads secrets of \*/ },
  { rule: SecretStoreLeastPrivilege, problem: 'decrypt outside Secrets Manager', plant: (f) => void delete operatorRole(f).statements[1].viaService, resource: 'SecretStore identity/aws-secrets-manager', reason: /no kms:ViaService/ },
  // backups, placement
  { rule: DatabaseClustersInBackupPlan, problem: 'Aurora in no plan', plant: (f) => void ((only(f.encryption.backups, (b) => b.type === 'AWS::RDS::DBCluster', 'aurora').backup as { plans: unknown[] }).plans = []), resource: 'AWS::RDS::DBCluster DatabaseCluster', reason: /no AWS Backup plan/ },
  { rule: VaultProtectsRecoveryPoints, problem: 'deletable recovery points', plant: (f) => void ((only(f.encryption.backups, (b) => b.type === 'AWS::Backup::BackupVault', 'vault').backup as { deniedToEveryone: string[] }).deniedToEveryone = []), resource: 'AWS::Backup::BackupVault BackupVault', reason: /backup:DeleteRecoveryPoint/ },
  { rule: BrandTagsOnEveryResource, problem: 'a resource without its stage tag', plant: (f) => void delete only(f.placement.taggedResources, (r) => r.logicalId.startsWith('BastionInstance'), 'bastion').brandTags['brandstack:stage'], resource: 'BastionInstanceD5ADABD5eb78fda965c405a7', reason: /no brandstack:stage tag/ },
];

describe('each rule finds the problem planted in the facts of a real stack', () => {
  test('every rule has at least one planted problem', () => {
    expect(ALL_RULES.filter((rule) => !PROBLEMS.some((p) => p.rule === rule)).map((rule) => rule.id)).toEqual([]);
  });

  test.each(PROBLEMS.map((p) => [p.rule.id, p.problem, p]))('%s: %s', (_id, _problem, { rule, plant, resource, reason }) => {
    const facts = copyOf(factsOf(TARGET));
    expect(rule.check(facts)).toEqual({ compliant: true });
    plant(facts);
    const result = rule.check(facts);
    expect(result.compliant).toBe(false);
    const violations = result.compliant ? [] : result.violations;
    expect(violations).toContainEqual({ rule: rule.id, resource, reason: expect.stringMatching(reason) });
    // The planted problem breaks this rule; checkPosture reports it with the rest.
    expect(checkPosture(facts)).toEqual(expect.arrayContaining([...violations]));
  });
});
