import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { ServiceLogGroup } from '../logging/service-log-group';
import { STACK_CREATION_SUFFIX_LENGTH, withStackCreationSuffix } from '../../config/naming';
import { PORTS } from '../../config/ports';

/** The database engines Secrets Manager's hosted single-user rotation supports here. */
export type RotatedEngine = 'postgresql' | 'mongodb';

export interface CredentialRotationProps {
  /** The credentials to rotate: a JSON secret with engine, host, username, password. */
  readonly secret: secretsmanager.ISecret;
  /** Which hosted rotation function to use. */
  readonly engine: RotatedEngine;
  /**
   * Start of the rotation Lambda's name, which is
   * `<functionNamePrefix>-<stack-creation suffix>` (lib/config/naming.ts): its
   * log group `/aws/lambda/<name>` is created here, CMK-encrypted, before the
   * first rotation, and is kept in high, so the name must be new for each
   * creation of the stack. 1-55 letters, digits, '-' and '_' (Lambda allows 64:
   * https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html#lambda-CreateFunction-request-FunctionName).
   */
  readonly functionNamePrefix: string;
  /**
   * Where the rotation function runs. It needs the database port and the
   * Secrets Manager endpoint, so subnets with egress (or with endpoints).
   */
  readonly vpc: ec2.IVpc;
  /** Subnets of `vpc` the function runs in. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** Where the database listens, for the function's only egress besides HTTPS. */
  readonly database: { readonly cidr: string; readonly port: number };
  /** Encrypts the rotation function's log group. */
  readonly logEncryptionKey: kms.IKey;
  /** How long the rotation log is kept. */
  readonly logRetention: logs.RetentionDays;
  /**
   * Days between rotations.
   * @default Duration.days(30)
   */
  readonly automaticallyAfter?: Duration;
  /**
   * What happens to the rotation log group when it leaves the stack. The
   * function, its security group and the schedule are always deleted with the
   * stack (they hold no state, and the function's ENIs must not keep its VPC).
   * @default RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE (kept, except when the deploy that created it rolls back)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * Secrets Manager hosted single-user rotation (the AWS-provided function,
 * deployed by the `AWS::SecretsManager-2024-09-16` transform, so synth needs
 * no asset and no lookup) in a VPC, with a security group limited to the
 * database and HTTPS, and a CMK-encrypted log group.
 */
export class CredentialRotation extends Construct implements ec2.IConnectable {
  readonly connections: ec2.Connections;
  readonly schedule: secretsmanager.RotationSchedule;
  /** The rotation function's name (a token: it ends with the stack-creation suffix). */
  readonly functionName: string;

  constructor(scope: Construct, id: string, props: CredentialRotationProps) {
    super(scope, id);
    const maxPrefix = 64 - STACK_CREATION_SUFFIX_LENGTH - 1;
    if (!new RegExp(`^[a-zA-Z0-9-_]{1,${maxPrefix}}$`).test(props.functionNamePrefix)) {
      throw new Error(`CredentialRotation: 'functionNamePrefix' '${props.functionNamePrefix}' must be 1-${maxPrefix} letters, digits, '-' and '_' (the stack-creation suffix makes up the 64 Lambda allows)`);
    }
    this.functionName = withStackCreationSuffix(props.functionNamePrefix);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Secrets Manager rotation ${props.functionNamePrefix}: database and HTTPS egress only`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.ipv4(props.database.cidr), ec2.Port.tcp(props.database.port), 'to the database');
    // Secrets Manager and KMS public endpoints, reached through the subnets' NAT.
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(PORTS.https), 'Secrets Manager and KMS APIs (HTTPS)');
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    const logGroup = new ServiceLogGroup(this, 'Log', {
      logGroupName: `/aws/lambda/${this.functionName}`,
      encryptionKey: props.logEncryptionKey,
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    const options: secretsmanager.SingleUserHostedRotationOptions = {
      functionName: this.functionName,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [securityGroup],
    };
    this.schedule = new secretsmanager.RotationSchedule(this, 'Schedule', {
      secret: props.secret,
      hostedRotation:
        props.engine === 'postgresql'
          ? secretsmanager.HostedRotation.postgreSqlSingleUser(options)
          : secretsmanager.HostedRotation.mongoDbSingleUser(options),
      automaticallyAfter: props.automaticallyAfter ?? Duration.days(30),
    });
    // The first rotation runs at deploy time; its log must land in the CMK-encrypted group.
    this.schedule.node.addDependency(logGroup);
  }
}
