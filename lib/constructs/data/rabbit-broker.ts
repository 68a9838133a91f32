import { CfnDynamicReference, CfnDynamicReferenceService, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as mq from 'aws-cdk-lib/aws-amazonmq';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENCRYPTION_EXCEPTION_METADATA } from '../../posture/exceptions';
import { STACK_CREATION_SUFFIX_LENGTH, withStackCreationSuffix } from '../../config/naming';
import { PORTS } from '../../config/ports';

/**
 * Pinned engine. Amazon MQ for RabbitMQ 3.13 takes `major.minor` only and
 * requires automatic minor version upgrades:
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/rabbitmq-version-management.html
 */
export const RABBITMQ_VERSION = '3.13';

/**
 * Why the broker's storage is under an AWS-owned key. Stated in the template
 * (resource metadata) so the posture model reports it verbatim.
 */
export const RABBITMQ_AWS_OWNED_KEY_REASON =
  'Amazon MQ for RabbitMQ supports only AWS-owned KMS keys for encryption at rest; a customer-managed key is available for ActiveMQ brokers only ' +
  '(https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/data-protection.html). Brands that require a CMK need a self-managed RabbitMQ cluster on CMK-encrypted EBS.';

const ADMIN_USERNAME = 'brandstack_admin';

/** Amazon MQ broker names have 1-50 characters: https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-limits.html */
const BROKER_NAME_MAX_LENGTH = 50;

export type BrokerDeployment = 'CLUSTER_MULTI_AZ' | 'SINGLE_INSTANCE';

export interface RabbitBrokerProps {
  /** The RabbitMQ VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * Subnets to choose from: the first three zones for a cluster, the first for a single instance.
   * @default { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Security groups of the broker; they decide who reaches 5671 (AMQPS) and 443 (management). */
  readonly securityGroups: ec2.ISecurityGroup[];
  /**
   * Start of the broker's name, which is `<brokerNamePrefix>-<stack-creation suffix>`
   * (lib/config/naming.ts). Amazon MQ requires a name, unique in the account,
   * and the broker is kept when a high stack is deleted: the suffix gives the
   * next creation of the stack a new name. 1-41 letters, digits, '-' and '_', so
   * that the name stays within the 1-50 characters Amazon MQ allows
   * (https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/amazon-mq-limits.html, "Broker name").
   */
  readonly brokerNamePrefix: string;
  /**
   * Three nodes across three zones, or one node. A single instance is a
   * weaker setting: a zone outage or maintenance stops messaging.
   * @default 'CLUSTER_MULTI_AZ'
   */
  readonly deployment?: BrokerDeployment;
  /**
   * Host instance type. Clusters need mq.m5.large or larger.
   * @default 'mq.m5.large'
   */
  readonly instanceType?: string;
  /** Encrypts the admin credentials secret (the broker itself cannot use a CMK). */
  readonly secretEncryptionKey: kms.IKey;
  /**
   * What happens to the broker and its admin secret when they leave the stack.
   * The default keeps both when the stack is deleted or they are replaced, and
   * deletes both when the deploy that created them rolls back (DeletionPolicy
   * `RetainExceptOnCreate`), so a failed first deploy can be retried. A kept
   * broker keeps its ENIs, so its VPC can only be deleted after it.
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Amazon MQ for RabbitMQ, private to its VPC. RabbitMQ on Amazon MQ listens
 * on AMQPS (5671) and HTTPS (443, management) only: plain AMQP is not offered.
 * The admin credentials are generated into a CMK-encrypted secret and passed
 * to the broker by dynamic reference, so they never appear in the template.
 */
export class RabbitBroker extends Construct implements ec2.IConnectable {
  readonly broker: mq.CfnBroker;
  /** `<brokerNamePrefix>-<stack-creation suffix>`: a token until deploy time. */
  readonly brokerName: string;
  /** Admin credentials: JSON `{ username, password }`. */
  readonly adminSecret: secretsmanager.Secret;
  readonly connections: ec2.Connections;
  /** `amqps://...:5671` endpoints of the broker. */
  readonly amqpsEndpoints: string[];

  constructor(scope: Construct, id: string, props: RabbitBrokerProps) {
    super(scope, id);
    const deployment = props.deployment ?? 'CLUSTER_MULTI_AZ';
    const instanceType = props.instanceType ?? 'mq.m5.large';
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const maxPrefix = BROKER_NAME_MAX_LENGTH - STACK_CREATION_SUFFIX_LENGTH - 1;
    if (!new RegExp(`^[A-Za-z0-9_-]{1,${maxPrefix}}$`).test(props.brokerNamePrefix)) {
      throw new Error(`RabbitBroker: 'brokerNamePrefix' '${props.brokerNamePrefix}' must be 1-${maxPrefix} letters, digits, '-' and '_' (with the stack-creation suffix, Amazon MQ allows ${BROKER_NAME_MAX_LENGTH})`);
    }
    this.brokerName = withStackCreationSuffix(props.brokerNamePrefix);
    if (props.securityGroups.length === 0) throw new Error("RabbitBroker: 'securityGroups' must list at least one security group");
    if (deployment === 'CLUSTER_MULTI_AZ' && !/^mq\.m\d+g?\.(x?large|\d+xlarge)$/.test(instanceType)) {
      throw new Error(`RabbitBroker: 'instanceType' ${instanceType} cannot run a CLUSTER_MULTI_AZ broker; use mq.m5.large or larger`);
    }
    const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_ISOLATED, onePerAz: true });
    const wanted = deployment === 'CLUSTER_MULTI_AZ' ? 3 : 1;
    if (subnets.subnetIds.length < wanted) {
      throw new Error(`RabbitBroker: 'vpcSubnets' selects ${subnets.subnetIds.length} subnet(s); ${deployment} needs ${wanted} in distinct zones`);
    }

    this.adminSecret = new secretsmanager.Secret(this, 'AdminSecret', {
      description: `Amazon MQ ${props.brokerNamePrefix}: RabbitMQ admin user`,
      encryptionKey: props.secretEncryptionKey,
      removalPolicy,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: ADMIN_USERNAME }),
        generateStringKey: 'password',
        passwordLength: 32,
        // Amazon MQ refuses commas, colons and equals signs in broker passwords.
        excludeCharacters: ',:=%+~`#$&*()|[]{}<>?!\'/@"\\ ;',
      },
    });

    this.broker = new mq.CfnBroker(this, 'Broker', {
      brokerName: this.brokerName,
      engineType: 'RABBITMQ',
      engineVersion: RABBITMQ_VERSION,
      autoMinorVersionUpgrade: true,
      deploymentMode: deployment,
      hostInstanceType: instanceType,
      publiclyAccessible: false,
      subnetIds: subnets.subnetIds.slice(0, wanted),
      securityGroups: props.securityGroups.map((group) => group.securityGroupId),
      authenticationStrategy: 'SIMPLE',
      users: [
        {
          username: ADMIN_USERNAME,
          password: new CfnDynamicReference(CfnDynamicReferenceService.SECRETS_MANAGER, `${this.adminSecret.secretArn}:SecretString:password::`).toString(),
        },
      ],
      logs: { general: true },
      // No EncryptionOptions: RabbitMQ brokers always use an AWS-owned key (RABBITMQ_AWS_OWNED_KEY_REASON), and
      // Amazon MQ refuses the property for them ("encryptionOptions is not supported for RabbitMQ brokers"; the
      // CloudFormation reference for AWS::AmazonMQ::Broker EncryptionOptions: "Does not apply to RabbitMQ brokers",
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-amazonmq-broker-encryptionoptions.html).
      maintenanceWindowStartTime: { dayOfWeek: 'SUNDAY', timeOfDay: '03:00', timeZone: 'UTC' },
    });
    this.broker.addMetadata(ENCRYPTION_EXCEPTION_METADATA, RABBITMQ_AWS_OWNED_KEY_REASON);
    this.connections = new ec2.Connections({ securityGroups: props.securityGroups, defaultPort: ec2.Port.tcp(PORTS.amqps) });
    this.broker.applyRemovalPolicy(removalPolicy);
    this.amqpsEndpoints = this.broker.attrAmqpEndpoints;
  }
}
