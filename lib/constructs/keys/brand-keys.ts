import { DefaultStackSynthesizer, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { CUSTOMER_ENCRYPTION_CONTEXT_KEY, keyAlias, PLATFORM_KEY_NAME, platformKeyAlias, RUNTIME_CONTEXT_KEYS, SIGNING_KEY_SEAL_CONTEXTS } from '../../config/naming';

/** Re-exported: the constructs' callers name the context keys through the keys construct. */
export { CUSTOMER_ENCRYPTION_CONTEXT_KEY, RUNTIME_CONTEXT_KEYS, SIGNING_KEY_SEAL_CONTEXTS };

/**
 * What the runtime does with a customer key, each only under that customer's encryption context:
 * - GenerateDataKey: a new per-user or blind-index data key;
 * - Decrypt: a stored (wrapped) data key;
 * - ReEncryptFrom / ReEncryptTo: the re-wrap command moves a tenant's wrapped keys from one
 *   customer key to another inside KMS. KMS authorizes ReEncrypt twice, as kms:ReEncryptFrom on
 *   the source key and as kms:ReEncryptTo on the destination key, each in that key's policy
 *   (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html, "Required permissions").
 *   Both are named, not `kms:ReEncrypt*`, so no future action is picked up by a wildcard.
 */
const CUSTOMER_KEY_USE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/** What the signing-key seal does with the platform key: seal a new private key, open a stored one. */
const SIGNING_KEY_SEAL_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/**
 * What a key administrator may do with a customer key: the key administrators
 * statement of the KMS console's default key policy, written out action by
 * action (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-administrators)
 * so that no wildcard picks up a new operation, and without two of them:
 * - `kms:CreateGrant` (in the console's `kms:Create*`): a grant lets its grantee
 *   use the key, so an administrator could grant itself Decrypt. Administrators
 *   may create grants only for AWS resources ({@link GRANT_ACTIONS}).
 * - no cryptographic operation: an administrator cannot use the key.
 * The list covers what CloudFormation calls to create, update and delete an
 * AWS::KMS::Key and AWS::KMS::Alias.
 */
const KEY_ADMINISTRATION_ACTIONS = [
  'kms:CreateAlias',
  'kms:UpdateAlias',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:UpdateKeyDescription',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:EnableKeyRotation',
  'kms:DisableKeyRotation',
  'kms:GetKeyRotationStatus',
  'kms:RotateKeyOnDemand',
  'kms:ListKeyRotations',
  'kms:GetKeyPolicy',
  'kms:ListKeyPolicies',
  'kms:PutKeyPolicy',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:ListResourceTags',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * Grants an administrator may create: only for an AWS resource, i.e. when an
 * AWS service integrated with KMS calls CreateGrant on the principal's behalf
 * (`kms:GrantIsForAWSResource`), never a grant the principal asks for directly,
 * which is how it would grant itself use
 * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-grant-is-for-aws-resource).
 */
const GRANT_ACTIONS = ['kms:CreateGrant'];

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
  /**
   * Who administers the customer keys (never uses them): manage aliases,
   * rotation, tags, deletion, and the key policy itself (kms:PutKeyPolicy).
   *
   * When set, the stack's CloudFormation execution role (DefaultStackSynthesizer)
   * is added: CloudFormation creates and updates the keys as that role, and
   * unless BypassPolicyLockoutSafetyCheck is set (it is not, and should not be),
   * KMS refuses a key policy that does not let the caller make a later
   * PutKeyPolicy request (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html,
   * https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html).
   * KMS also refuses a key policy naming a principal that does not exist or is
   * not visible to it (MalformedPolicyDocumentException at CreateKey and
   * PutKeyPolicy, same pages), so each role must exist before the deploy;
   * `brandstack preflight` checks that the operator roles exist.
   *
   * @default - the account root (`arn:<partition>:iam::<account>:root`): IAM
   * policies of the account decide who administers, and so who may rewrite the
   * key policy and give itself use of the key.
   */
  readonly keyAdministrators?: iam.IPrincipal[];
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
 *   from a `grant*()` call (the runtime's: {@link grantSigningKeySeal}). Plus
 *   CloudWatch Logs of this account and region.
 * - customer keys: what each statement allows, and nothing else.
 *   - Use: only the principals given {@link grantCustomerEnvelopeEncryption},
 *     each by name, only with that customer's encryption context. An IAM
 *     policy, however broad (`kms:*` on `*`), adds no use: the key policy does
 *     not delegate use to the account.
 *   - Grants: the key administrators may create a grant only for an AWS resource
 *     (`kms:GrantIsForAWSResource`), so none can grant itself use.
 *   - Administration: the key administrators (default: the account root, and so
 *     whoever the account's IAM policies allow). An administrator may change the
 *     key policy (kms:PutKeyPolicy) and so could give itself use; that is the
 *     escape hatch AWS requires against an unmanageable key
 *     (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html),
 *     and CloudTrail records every PutKeyPolicy. Name administrators
 *     (`keyAdministrators`) to keep it to a few roles.
 */
export class BrandKeys extends Construct {
  /** The brand id in every alias. */
  readonly brandId: string;
  /** Encrypts the brand's infrastructure state, and seals the runtime's signing keys. */
  readonly platformKey: kms.Key;
  private readonly customerKeys = new Map<string, kms.Key>();

  constructor(scope: Construct, id: string, props: BrandKeysProps) {
    super(scope, id);
    this.brandId = props.brandId;
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

    const administrators = this.administratorsOf(props.keyAdministrators);
    for (const customer of props.customers) {
      const policy = new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            sid: 'KeyAdministration',
            principals: administrators,
            actions: KEY_ADMINISTRATION_ACTIONS,
            resources: ['*'],
          }),
          new iam.PolicyStatement({
            sid: 'GrantsOnlyForAwsResources',
            principals: administrators,
            actions: GRANT_ACTIONS,
            resources: ['*'],
            conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
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
   * Lets `grantee` envelope-encrypt with every customer key (or the listed ones):
   * GenerateDataKey for new data keys, Decrypt for stored ones, and ReEncryptFrom /
   * ReEncryptTo to move wrapped keys between customer keys ({@link CUSTOMER_KEY_USE_ACTIONS}),
   * all only with the encryption context `{ "brandstack:customer": "<id>" }` of that key's
   * customer (StringEquals on `kms:EncryptionContext:brandstack:customer`:
   * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context).
   * Other pairs (tenant, user, purpose) may be added by the caller, and are bound into each
   * ciphertext by KMS. DescribeKey to resolve aliases and check the key state. Granted in each
   * key's policy, since the keys do not delegate use to IAM.
   *
   * A ReEncrypt from customer A's key to customer B's key needs A's statement
   * (kms:ReEncryptFrom) and B's (kms:ReEncryptTo). The KMS documentation says the condition
   * keys apply to ReEncrypt but not which of its two contexts each authorization checks; this
   * grant relies on the source context (`brandstack:customer=A`) being checked on the source key
   * and the destination context (`brandstack:customer=B`) on the destination key. The re-wrap
   * command should confirm that in the account with a ReEncrypt `DryRun` before it moves keys
   * (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html#KMS-ReEncrypt-request-DryRun).
   *
   * @returns one grant combining the key-policy statements of every key
   */
  grantCustomerEnvelopeEncryption(grantee: iam.IGrantable, customers: readonly string[] = this.customers): iam.Grant {
    if (customers.length === 0) throw new Error(`BrandKeys: grantCustomerEnvelopeEncryption needs at least one customer; customers: ${this.customers.join(', ')}`);
    const grants = customers.flatMap((customer) => {
      const key = this.keyOf(customer);
      const describe = ['kms:DescribeKey'];
      return [
        iam.Grant.addStatementToResourcePolicy({
          grantee,
          actions: CUSTOMER_KEY_USE_ACTIONS,
          resourceArns: [key.keyArn],
          resource: key,
          statement: new iam.PolicyStatement({
            principals: [grantee.grantPrincipal],
            actions: CUSTOMER_KEY_USE_ACTIONS,
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

  /**
   * Lets `grantee` seal private signing keys and attest public JWKs and documents with data keys
   * from the platform key (SIGNING_KEY_SEAL=kms): GenerateDataKey and Decrypt, one statement per
   * context shape of {@link SIGNING_KEY_SEAL_CONTEXTS}, each only when the request's encryption
   * context has exactly that shape's keys, all present, and a `brandstack:purpose` of that shape;
   * DescribeKey (no context) for the readiness check.
   *
   * Why these conditions: the platform key also encrypts the brand's secrets, volumes, logs and
   * backups, and AWS services call it with their own contexts (`aws:logs:arn`, `SecretARN`,
   * `aws:ebs:id`, ...). `ForAllValues:StringEquals` on `kms:EncryptionContextKeys` refuses any
   * other key in the request; the `Null` tests and the purpose's `StringLike` require every key,
   * since ForAllValues alone also matches a request with no context at all
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-keys;
   * the "require particular pairs and exclude all others" pattern of
   * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-encryption-context-many).
   * The tenant and kid values are the runtime's to choose, so they are not pinned; the purpose
   * is, so the role cannot use the platform key for anything but the seal.
   *
   * An identity policy on the grantee, not a key-policy statement: the platform key's policy
   * gives the account root `kms:*`, which delegates use to IAM policies
   * (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam),
   * and requires no encryption context itself.
   */
  grantSigningKeySeal(grantee: iam.IGrantable): iam.Grant {
    const purposeKey = RUNTIME_CONTEXT_KEYS.purpose;
    const seals = SIGNING_KEY_SEAL_CONTEXTS.map((shape) =>
      iam.Grant.addToPrincipal({
        grantee,
        actions: SIGNING_KEY_SEAL_ACTIONS,
        resourceArns: [this.platformKey.keyArn],
        conditions: {
          'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...shape.keys] },
          StringLike: { [`kms:EncryptionContext:${purposeKey}`]: [...shape.purposes] },
          Null: Object.fromEntries(shape.keys.filter((k) => k !== purposeKey).map((k) => [`kms:EncryptionContext:${k}`, 'false'])),
        },
      }),
    );
    const describe = iam.Grant.addToPrincipal({ grantee, actions: ['kms:DescribeKey'], resourceArns: [this.platformKey.keyArn] });
    return [...seals, describe].reduce((all, grant) => all.combine(grant));
  }

  /** The named administrators plus the deployer, or the account root. */
  private administratorsOf(named: iam.IPrincipal[] | undefined): iam.IPrincipal[] {
    if (named === undefined || named.length === 0) return [new iam.AccountRootPrincipal()];
    const synthesizer = Stack.of(this).synthesizer;
    if (!(synthesizer instanceof DefaultStackSynthesizer)) {
      throw new Error(
        `BrandKeys: 'keyAdministrators' needs the DefaultStackSynthesizer, whose CloudFormation execution role must stay a key administrator; this stack uses ${synthesizer.constructor.name}`,
      );
    }
    // The role ARN carries ${AWS::AccountId} and ${AWS::Region} placeholders: Fn::Sub resolves them at deploy.
    return [...named, new iam.ArnPrincipal(Fn.sub(synthesizer.cloudFormationExecutionRoleArn))];
  }

  private keyOf(customer: string): kms.Key {
    const key = this.customerKeys.get(customer);
    if (!key) throw new Error(`BrandKeys: no key for customer '${customer}'; customers: ${this.customers.join(', ')}`);
    return key;
  }
}
