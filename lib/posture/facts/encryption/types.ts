/** Typed facts of encryption: keys and their policies, every stateful resource's key, TLS of data services, backups. */
import type { KeyRef } from '../../naming';

/** What a brand key is for, from its alias (lib/config/naming.ts keyAlias). */
export type KeyPurpose = { readonly kind: 'platform' } | { readonly kind: 'customer'; readonly customer: string } | { readonly kind: 'other' };

export interface PolicyCondition {
  /** `StringEquals`, `ArnLike` ... */
  readonly operator: string;
  /** `kms:ViaService`, `kms:EncryptionContext:brandstack:customer` ... */
  readonly key: string;
  readonly values: readonly string[];
}

export interface KeyPolicyStatementFacts {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** The principal is the account (`arn:<partition>:iam::<account>:root`): IAM policies of the account decide. */
  readonly accountRoot: boolean;
  /** Other AWS principals, by logical id without hash (a role of the stack) or as written. */
  readonly grantees: readonly string[];
  /** Service principals, a region token written as `<region>`. */
  readonly services: readonly string[];
  /** The service a `kms:ViaService` condition limits use to. */
  readonly viaService?: string;
  readonly conditions: readonly PolicyCondition[];
  /** The customer a StringEquals on the customer encryption context binds use to (brand-keys.ts). */
  readonly customerContext?: string;
}

export interface KeyFacts {
  readonly logicalId: string;
  readonly key: KeyRef;
  readonly purpose: KeyPurpose;
  /** KMS's default is SYMMETRIC_DEFAULT. */
  readonly keySpec: string;
  readonly rotation: boolean;
  /** KMS's default is 30. */
  readonly pendingWindowDays: number;
  readonly policy: readonly KeyPolicyStatementFacts[];
  /**
   * Who may change the key policy (an Allow of kms:PutKeyPolicy), and so give
   * anyone, itself included, any permission on the key: `account root` (IAM
   * policies of the account decide who) or a principal as in `grantees`.
   */
  readonly administrators: readonly string[];
}

/** How one stateful resource (or one of its volumes) is encrypted at rest. */
export type AtRestProtection =
  /** A key the template names: of the stack, AWS-managed (`alias/aws/...`) or outside the stack. */
  | { readonly kind: 'key'; readonly key: KeyRef }
  /** Encrypted, no key named: the service's AWS-managed key. */
  | { readonly kind: 'service-default-key'; readonly alias: string }
  /** An AWS-owned key (the service's own, invisible to the account), e.g. SSE-S3, SSE-SQS. */
  | { readonly kind: 'aws-owned'; readonly scheme?: string }
  | { readonly kind: 'unencrypted' }
  /** An instance without block device mappings: the account's EBS encryption default decides. */
  | { readonly kind: 'no-block-device-mapping' };

export interface StatefulResourceFacts {
  readonly logicalId: string;
  /** The CloudFormation type. */
  readonly type: string;
  /** Its physical name where the template fixes one, else its logical id without hash. */
  readonly name: string;
  /** What of the resource is encrypted, when not all of it (`Kubernetes secrets` of an EKS cluster). */
  readonly subject?: string;
  /** One per volume for an instance; one otherwise. */
  readonly protections: readonly AtRestProtection[];
  /** Keys of Performance Insights data (Aurora and its instances). */
  readonly performanceInsights: readonly KeyRef[];
  /** Why the resource is not under a customer-managed key (template metadata), if it says. */
  readonly exceptionReason?: string;
}

export type TransitFacts =
  /** Aurora PostgreSQL: `rds.force_ssl` and `ssl_min_protocol_version` of the cluster parameter group. */
  | { readonly kind: 'rds'; readonly forceSsl: boolean; readonly minimumTlsVersion?: string }
  /** DocumentDB: `tls` (undefined: the engine default, enabled) and `audit_logs` of the cluster parameter group. */
  | { readonly kind: 'docdb'; readonly tls?: string; readonly auditLogs?: string }
  /** Amazon MQ for RabbitMQ listens on AMQPS (5671) and HTTPS only. */
  | { readonly kind: 'rabbitmq'; readonly publiclyAccessible: boolean };

export interface DataServiceFacts {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  readonly transit: TransitFacts;
}

export interface BackupRuleFacts {
  readonly plan: string;
  readonly continuous: boolean;
  readonly schedule?: string;
  /** Undefined: kept forever. */
  readonly deleteAfterDays?: number;
}

export type BackupFacts =
  | {
      readonly kind: 'database-cluster';
      readonly retentionDays: number;
      readonly plans: readonly BackupRuleFacts[];
      readonly deletionProtection: boolean;
      readonly instances: number;
      readonly zones: readonly string[];
    }
  | { readonly kind: 'broker'; readonly deploymentMode: string }
  | { readonly kind: 'vault'; readonly deniedToEveryone: readonly string[]; readonly minRetentionDays?: number; readonly retainedOnStackDeletion: boolean }
  | { readonly kind: 'instance-volumes'; readonly plans: readonly BackupRuleFacts[]; readonly tagsPropagated: boolean };

export interface BackedUpResourceFacts {
  readonly logicalId: string;
  readonly type: string;
  readonly name: string;
  readonly backup: BackupFacts;
}

/** Stateful things AWS services create outside the stack, in the order first met. */
export type OutsideTheStackFacts =
  | { readonly kind: 'lambda-log-groups'; readonly functions: number }
  | { readonly kind: 'broker-general-log' }
  | { readonly kind: 'rds-enhanced-monitoring' };

export interface EncryptionFacts {
  readonly keys: readonly KeyFacts[];
  readonly atRest: readonly StatefulResourceFacts[];
  readonly dataServices: readonly DataServiceFacts[];
  readonly backups: readonly BackedUpResourceFacts[];
  readonly outsideTheStack: readonly OutsideTheStackFacts[];
}
