import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface BrandKeysProps {
  /** Brand id: part of every alias. */
  readonly brandId: string;
  /** Customer ids; each gets its own key, `alias/brandstack/<brand>/<customer>`. */
  readonly customers: readonly string[];
  /** KMS waiting period before a scheduled key deletion. */
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
 */
export class BrandKeys extends Construct {
  /** Encrypts the brand's infrastructure state. */
  readonly platformKey: kms.Key;
  private readonly customerKeys = new Map<string, kms.Key>();

  constructor(scope: Construct, id: string, props: BrandKeysProps) {
    super(scope, id);
    const common: kms.KeyProps = {
      keySpec: kms.KeySpec.SYMMETRIC_DEFAULT,
      keyUsage: kms.KeyUsage.ENCRYPT_DECRYPT,
      enableKeyRotation: true,
      pendingWindow: props.deletionWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    };
    this.platformKey = new kms.Key(this, 'PlatformKey', {
      ...common,
      alias: `alias/brandstack/${props.brandId}/platform`,
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
      this.customerKeys.set(
        customer,
        new kms.Key(this, `Customer-${customer}`, {
          ...common,
          alias: `alias/brandstack/${props.brandId}/${customer}`,
          description: `brandstack ${props.brandId}: data of customer ${customer}`,
        }),
      );
    }
  }

  /** Customer ids that have a key, in brand-file order. */
  get customers(): string[] {
    return [...this.customerKeys.keys()];
  }

  /** The key of one customer. */
  customerKey(customer: string): kms.IKey {
    const key = this.customerKeys.get(customer);
    if (!key) throw new Error(`BrandKeys: no key for customer '${customer}'; customers: ${this.customers.join(', ')}`);
    return key;
  }

  /**
   * Lets `grantee` envelope-encrypt and decrypt with every customer key (and
   * nothing else): GenerateDataKey for new data, Decrypt for stored data keys.
   */
  grantCustomerEnvelopeEncryption(grantee: iam.IGrantable): void {
    for (const key of this.customerKeys.values()) {
      key.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey');
    }
  }
}
