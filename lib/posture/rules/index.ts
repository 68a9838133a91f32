/**
 * Every posture rule, and {@link checkPosture} to run them all. Rules read typed
 * facts only (never the rendered lines), so rewording the posture cannot weaken
 * a check.
 */
import type { PostureFacts } from '../facts';
import type { PostureRule, Violation } from './rule';
import { DatabaseClustersInBackupPlan } from './backups/database-clusters-in-backup-plan';
import { VaultProtectsRecoveryPoints } from './backups/vault-protects-recovery-points';
import { AccessEntriesOnly } from './cluster/access-entries-only';
import { ApiReachableOnlyFromSecurityGroups } from './cluster/api-reachable-only-from-security-groups';
import { ClusterAdminsAreOperatorRoles } from './cluster/cluster-admins-are-operator-roles';
import { ControlPlaneLogsComplete } from './cluster/control-plane-logs-complete';
import { HelmChartsPinned } from './cluster/helm-charts-pinned';
import { NamespacesEnforceRestrictedPodSecurity } from './cluster/namespaces-enforce-restricted-pod-security';
import { NetworkPoliciesEnforced } from './cluster/network-policies-enforced';
import { NodeVolumesEncryptedWithBrandKey } from './cluster/node-volumes-encrypted-with-brand-key';
import { PrivateApiEndpoint } from './cluster/private-api-endpoint';
import { SecretsEnvelopeEncrypted } from './cluster/secrets-envelope-encrypted';
import { DataServicesEnforceTls } from './encryption/data-services-enforce-tls';
import { StatefulResourcesEncryptedWithBrandKey } from './encryption/stateful-resources-encrypted-with-brand-key';
import { ClientIpPreserved } from './ingress/client-ip-preserved';
import { LoadBalancerTerminatesTls } from './ingress/load-balancer-terminates-tls';
import { ProxyProtocolTrustedOnlyFromLoadBalancerSubnets } from './ingress/proxy-protocol-trusted-only-from-load-balancer-subnets';
import { RoutesRateLimitedPerClient } from './ingress/routes-rate-limited-per-client';
import { CustomerKeyGrantsOnlyForAwsResources } from './keys/customer-key-grants-only-for-aws-resources';
import { CustomerKeyUseBoundToEncryptionContext } from './keys/customer-key-use-bound-to-encryption-context';
import { CustomerKeysNotUsableByAccountRoot } from './keys/customer-keys-not-usable-by-account-root';
import { KeyRotationEnabled } from './keys/key-rotation-enabled';
import { KeySpecSymmetricDefault } from './keys/key-spec-symmetric-default';
import { KeysAliasedForBrand } from './keys/keys-aliased-for-brand';
import { PersonalDataUnderCustomerKeys } from './keys/personal-data-under-customer-keys';
import { PlatformKeyUsedDirectlyOnlyToSealSigningKeys } from './keys/platform-key-used-directly-only-to-seal-signing-keys';
import { SigningKeysSealedUnderPlatformKey } from './keys/signing-keys-sealed-under-platform-key';
import { DataServicesNotPublic } from './network/data-services-not-public';
import { DefaultSecurityGroupsRestricted } from './network/default-security-groups-restricted';
import { Imdsv2Required } from './network/imdsv2-required';
import { NoInternetFacingLoadBalancers } from './network/no-internet-facing-load-balancers';
import { NoPlaintextAmqp } from './network/no-plaintext-amqp';
import { NoPublicIpOnLaunch } from './network/no-public-ip-on-launch';
import { NoWorldOpenIngress } from './network/no-world-open-ingress';
import { PublicHostsAdmitOnlySshFromARange } from './network/public-hosts-admit-only-ssh-from-a-range';
import { SshOnlyToPublicHosts } from './network/ssh-only-to-public-hosts';
import { VpcFlowLogsEncrypted } from './network/vpc-flow-logs-encrypted';
import { BrandTagsOnEveryResource } from './placement/brand-tags-on-every-resource';
import { BrokerAndDocumentStoreUrlsUseTls } from './secrets/broker-and-document-store-urls-use-tls';
import { ConnectionStringsVerifyTls } from './secrets/connection-strings-verify-tls';
import { SecretFilesReadOnlyAndRefreshed } from './secrets/secret-files-read-only-and-refreshed';
import { SecretStoreLeastPrivilege } from './secrets/secret-store-least-privilege';
import { SettingsFromBrandEncryptedSecrets } from './secrets/settings-from-brand-encrypted-secrets';
import { Autoscaled } from './workloads/autoscaled';
import { ContainersHardened } from './workloads/containers-hardened';
import { DefaultDenyNetworkPolicy } from './workloads/default-deny-network-policy';
import { DisruptionBudgetDefined } from './workloads/disruption-budget-defined';
import { ProbesDefined } from './workloads/probes-defined';
import { ResourcesBounded } from './workloads/resources-bounded';
import { ServiceAccountTokenNotMounted } from './workloads/service-account-token-not-mounted';
import { SpreadAcrossZones } from './workloads/spread-across-zones';
import { StrictMtls } from './workloads/strict-mtls';

export type { PostureRule, RuleResult, Violation } from './rule';

export const ALL_RULES: readonly PostureRule[] = [
  DatabaseClustersInBackupPlan,
  VaultProtectsRecoveryPoints,
  AccessEntriesOnly,
  ApiReachableOnlyFromSecurityGroups,
  ClusterAdminsAreOperatorRoles,
  ControlPlaneLogsComplete,
  HelmChartsPinned,
  NamespacesEnforceRestrictedPodSecurity,
  NetworkPoliciesEnforced,
  NodeVolumesEncryptedWithBrandKey,
  PrivateApiEndpoint,
  SecretsEnvelopeEncrypted,
  DataServicesEnforceTls,
  StatefulResourcesEncryptedWithBrandKey,
  ClientIpPreserved,
  ProxyProtocolTrustedOnlyFromLoadBalancerSubnets,
  LoadBalancerTerminatesTls,
  RoutesRateLimitedPerClient,
  CustomerKeyGrantsOnlyForAwsResources,
  CustomerKeyUseBoundToEncryptionContext,
  CustomerKeysNotUsableByAccountRoot,
  KeyRotationEnabled,
  KeySpecSymmetricDefault,
  KeysAliasedForBrand,
  PersonalDataUnderCustomerKeys,
  PlatformKeyUsedDirectlyOnlyToSealSigningKeys,
  SigningKeysSealedUnderPlatformKey,
  DataServicesNotPublic,
  DefaultSecurityGroupsRestricted,
  Imdsv2Required,
  NoInternetFacingLoadBalancers,
  NoPlaintextAmqp,
  NoPublicIpOnLaunch,
  NoWorldOpenIngress,
  PublicHostsAdmitOnlySshFromARange,
  SshOnlyToPublicHosts,
  VpcFlowLogsEncrypted,
  BrandTagsOnEveryResource,
  ConnectionStringsVerifyTls,
  BrokerAndDocumentStoreUrlsUseTls,
  SecretFilesReadOnlyAndRefreshed,
  SecretStoreLeastPrivilege,
  SettingsFromBrandEncryptedSecrets,
  Autoscaled,
  ContainersHardened,
  DefaultDenyNetworkPolicy,
  DisruptionBudgetDefined,
  ProbesDefined,
  ResourcesBounded,
  ServiceAccountTokenNotMounted,
  SpreadAcrossZones,
  StrictMtls,
];

/** The violations of every rule (empty: compliant). */
export function checkPosture(facts: PostureFacts, rules: readonly PostureRule[] = ALL_RULES): Violation[] {
  return rules.flatMap((rule) => {
    const result = rule.check(facts);
    return result.compliant ? [] : [...result.violations];
  });
}
