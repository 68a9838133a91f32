import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CUSTOMER_ENCRYPTION_CONTEXT_KEY, keyAlias, PLATFORM_KEY_NAME, platformKeyAlias } from '../../config/naming';

/** Re-exported: the constructs' callers name the context key through the keys construct. */
export { CUSTOMER_ENCRYPTION_CONTEXT_KEY };

/**
 * What the account root may do with a customer key: administer it, never use it.
 * AWS recommends the account keep administration so the key can never become
 * unmanageable (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html);
 * cryptographic use is left out so an IAM policy alone (even `kms:*` on `*`)
 * cannot decrypt a customer's data: only a principal named in the key policy can.
 */
const KEY_ADMINISTRATION_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

export interface BrandKeysProps {
  /** Brand id: part of every alias. */
  readonly brandId: string;
  /** Customer ids; each gets its own key, `alias/brandstack/<brand>/<customer>`. */
  readonly customers: readonly string[];
  /** KMS waiting period before a scheduled key deletion (7 to 30 days). */
  readonly deletionWindow: Duration;
  /**
   * What happens to the keys when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The brand's KMS keys: one platform key for infrastructure state (secrets,
 * volumes, logs, backups, cluster secrets) and one key per customer for that
 * customer's data. All are SYMMETRIC_DEFAULT (AES-256-GCM) with yearly rotation.
 *
 * Key policies:
 * - platform key: the AWS default (account root `kms:*`, which delegates to IAM)
 *   because many AWS services use it on behalf of many roles (RDS, DocumentDB,
 *   Secrets Manager, AWS Backup, EBS, EKS); each role still needs an IAM grant
 *   from a `grant*()` call. Plus CloudWatch Logs of this account and region.
 * - customer keys: the account root administers but cannot use the key; use is
 *   granted only through {@link grantCustomerEnvelopeEncryption}, per principal,
 *   in the key policy, and only with the customer's encryption context.
 */
export class BrandKeys extends Construct {
  /** Encrypts the brand's infrastructure state. */
  readonly platformKey: kms.Key;
  private readonly customerKeys = new Map<string, kms.Key>();

  constructor(scope: Construct, id: string, props: BrandKeysProps) {
    super(scope, id);
    const days = props.deletionWindow.toDays();
    if (days < 7 || days > 30) {
      throw new Error(`BrandKeys: 'deletionWindow' must be 7 to 30 days (KMS PendingWindowInDays); got ${days}`);
    }
    const seen = new Set<string>();
    for (const customer of props.customers) {
      if (seen.has(customer)) throw new Error(`BrandKeys: 'customers' lists '${customer}' more than once`);
      if (customer === PLATFORM_KEY_NAME) throw new Error(`BrandKeys: 'customers' cannot contain '${PLATFORM_KEY_NAME}': its alias is the platform key's`);
      seen.add(customer);
    }

    const common: kms.KeyProps = {
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      enableKeyRotation: true,
      pendingWindow: props.deletionWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    this.platformKey = new kms.Key(this, 'PlatformKey', {
      ...common,
      alias: platformKeyAlias(props.brandId),
      description: `brandstack ${props.brandId}: infrastructure state (secrets, volumes, logs, backups)`,
    });
    // CloudWatch Logs encrypts log groups with a CMK only if the key policy lets the
    // regional logs service principal use it, scoped to this account's log groups:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    const stack = Stack.of(this);
    this.platformKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsOfThisAccount',
        principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*`,
          },
        },
      }),
    );

    for (const customer of props.customers) {
      const policy = new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'KeyAdministrationByTheAccount',
            principals: [new iam.AccountRootPrincipal()],
            actions: KEY_ADMINISTRATION_ACTIONS,
            resources: ['*'],
          }),
        ],
      });
      this.customerKeys.set(
        customer,
        new kms.Key(this, `Customer-${customer}`, {
          ...common,
          policy,
          alias: keyAlias(props.brandId, customer),
          description: `brandstack ${props.brandId}: data of customer ${customer}`,
        }),
      );
    }
  }

  /** Customer ids that have a key, in brand-file order. */
  get customers(): string[] {
    return [...this.customerKeys.keys()];
  }

  /**
   * The key of one customer. Its key policy does not delegate use to IAM:
   * `key.grant*()` on it has no effect; use {@link grantCustomerEnvelopeEncryption}.
   */
  customerKey(customer: string): kms.IKey {
    return this.keyOf(customer);
  }

  /**
   * Lets `grantee` envelope-encrypt with every customer key (or the listed
   * ones): GenerateDataKey for new data and Decrypt for stored data keys, both
   * only with the encryption context `{ "brandstack:customer": "<id>" }` of
   * that key's customer; DescribeKey to resolve aliases. Granted in each key's
   * policy, since the keys do not delegate use to IAM.
   *
   * @returns one grant combining the key-policy statements of every key
   */
  grantCustomerEnvelopeEncryption(grantee: iam.IGrantable, customers: readonly string[] = this.customers): iam.Grant {
    if (customers.length === 0) throw new Error(`BrandKeys: grantCustomerEnvelopeEncryption needs at least one customer; customers: ${this.customers.join(', ')}`);
    const grants = customers.flatMap((customer) => {
      const key = this.keyOf(customer);
      const envelope = ['kms:GenerateDataKey', 'kms:Decrypt'];
      const describe = ['kms:DescribeKey'];
      return [
        iam.Grant.addStatementToResourcePolicy({
          grantee,
          actions: envelope,
          resourceArns: [key.keyArn],
          resource: key,
          statement: new iam.PolicyStatement({
            principals: [grantee.grantPrincipal],
            actions: envelope,
            resources: ['*'],
            conditions: { StringEquals: { [`kms:EncryptionContext:${CUSTOMER_ENCRYPTION_CONTEXT_KEY}`]: customer } },
          }),
        }),
        // DescribeKey carries no encryption context, so it cannot share the condition above.
        iam.Grant.addStatementToResourcePolicy({
          grantee,
          actions: describe,
          resourceArns: [key.keyArn],
          resource: key,
          statement: new iam.PolicyStatement({ principals: [grantee.grantPrincipal], actions: describe, resources: ['*'] }),
        }),
      ];
    });
    return grants.reduce((all, grant) => all.combine(grant));
  }

  private keyOf(customer: string): kms.Key {
    const key = this.customerKeys.get(customer);
    if (!key) throw new Error(`BrandKeys: no key for customer '${customer}'; customers: ${this.customers.join(', ')}`);
    return key;
  }
}
