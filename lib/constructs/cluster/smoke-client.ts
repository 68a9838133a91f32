import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { CLIENT_ID } from '../../../runtime/src/clients/client-registration';
import { SMOKE_CLIENT_FIELDS, MIN_SMOKE_CLIENT_SECRET_LENGTH } from '../../../runtime/src/config/smoke-client-config';
import { isTenantId, TENANT_ID } from '../../../runtime/src/identifiers/tenant-id';

/**
 * IAM path of the smoke reader role. The role's name is fixed (the pipeline grants
 * sts:AssumeRole on it at synth, before this stack exists); the path groups brandstack's
 * cross-account roles for review, is part of the role's ARN (`arn:aws:iam::<account>:role/brandstack/<name>`,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html) and does not count
 * toward the name's 64 characters (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html).
 */
export const SMOKE_READER_ROLE_PATH = '/brandstack/';

/** What the reader role's name is built from. */
export interface SmokeReaderTarget {
  readonly brand: { readonly id: string };
  readonly stage: { readonly name: string };
  readonly region: { readonly code: string };
}

/**
 * `smoke-<brand>-<stage>-<region>`: role names are unique per account, not per region, so the
 * region is part of it. At most 6 + 32 + 1 + 4 + 1 + 14 = 58 characters (brand ids are at most
 * 32, region codes at most 14), within IAM's 64.
 */
export function smokeReaderRoleName(target: SmokeReaderTarget): string {
  return `smoke-${target.brand.id}-${target.stage.name}-${target.region.code}`;
}

export interface SmokeClientProps {
  /** Encrypts the client's secret; the reader role gets kms:Decrypt on it through Secrets Manager only. */
  readonly encryptionKey: kms.IKey;
  /** The tenant the runtime provisions for the smoke test (created at start when missing). */
  readonly tenant: string;
  /**
   * The client_credentials client the runtime provisions in `tenant`.
   * @default 'smoke'
   */
  readonly clientId?: string;
  /**
   * The account whose principals may read the client's credentials through the reader role:
   * the release pipeline's. The role trusts that account only, and may only read this one secret.
   * @default no reader role: nothing outside this account reads the secret (a direct deploy)
   */
  readonly readerAccount?: string;
  /**
   * Physical name of the reader role, required with `readerAccount` (see {@link smokeReaderRoleName}).
   * An IAM role is deleted with the stack, so a retried create reuses the name without a collision.
   * @default none
   */
  readonly readerRoleName?: string;
}

/**
 * The credentials of the identity runtime's smoke client, so a fresh database passes the
 * pipeline's smoke test: a Secrets Manager secret `{"tenant", "client_id", "client_secret"}`
 * whose secret part Secrets Manager generates at deployment (never in the template), encrypted
 * with the brand's platform key. The runtime receives it like its other secrets (RuntimeSecret)
 * and, at start, ensures the tenant and a client_credentials client with that secret exist
 * (runtime/src/tenants/smoke-client.ts). The client may ask for no scope and its tokens name
 * only the resource `urn:brandstack:smoke`, which no API accepts.
 *
 * With `readerAccount`, a role in this account that the pipeline account alone may assume
 * reads exactly this secret; its ARN and the secret's are stack outputs.
 *
 * The secret has no fixed name: Secrets Manager does not delete a secret at once but schedules it
 * for deletion after a recovery window of at least 7 days
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html), so a
 * fixed name could collide when a failed create is retried.
 */
export class SmokeClient extends Construct {
  readonly secret: secretsmanager.Secret;
  readonly tenant: string;
  readonly clientId: string;
  /** The role the pipeline assumes to read the secret; undefined without `readerAccount`. */
  readonly readerRole?: iam.Role;
  /** The secret's ARN, for the pipeline step's environment (CDK Pipelines `envFromCfnOutputs`). */
  readonly secretArnOutput: CfnOutput;
  private readonly encryptionKey: kms.IKey;

  constructor(scope: Construct, id: string, props: SmokeClientProps) {
    super(scope, id);
    const clientId = props.clientId ?? 'smoke';
    if (!isTenantId(props.tenant)) throw new Error(`SmokeClient: 'tenant' must match ${TENANT_ID} (got '${props.tenant}')`);
    if (!CLIENT_ID.test(clientId)) throw new Error(`SmokeClient: 'clientId' must match ${CLIENT_ID} (got '${clientId}')`);
    if (props.readerAccount !== undefined && !/^\d{12}$/.test(props.readerAccount)) {
      throw new Error(`SmokeClient: 'readerAccount' must be a 12-digit AWS account id (got '${props.readerAccount}')`);
    }
    if ((props.readerAccount === undefined) !== (props.readerRoleName === undefined)) {
      throw new Error("SmokeClient: 'readerAccount' and 'readerRoleName' go together: give both or neither");
    }
    if (props.readerRoleName !== undefined && !/^[\w+=,.@-]{1,64}$/.test(props.readerRoleName)) {
      throw new Error(`SmokeClient: 'readerRoleName' must be 1-64 characters of letters, digits and +=,.@_- (got '${props.readerRoleName}')`);
    }
    this.tenant = props.tenant;
    this.clientId = clientId;
    this.encryptionKey = props.encryptionKey;

    this.secret = new secretsmanager.Secret(this, 'Secret', {
      description: `Identity runtime: credentials of the smoke-test client '${clientId}' of tenant '${props.tenant}' (SMOKE_TENANT, SMOKE_CLIENT_ID, SMOKE_CLIENT_SECRET)`,
      encryptionKey: props.encryptionKey,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ [SMOKE_CLIENT_FIELDS.tenant]: props.tenant, [SMOKE_CLIENT_FIELDS.clientId]: clientId }),
        generateStringKey: SMOKE_CLIENT_FIELDS.clientSecret,
        // Letters and digits: about 5.95 bits each, so 64 carry ~380 bits, and no character needs escaping in Basic credentials.
        passwordLength: Math.max(64, MIN_SMOKE_CLIENT_SECRET_LENGTH),
        excludePunctuation: true,
        includeSpace: false,
      },
    });
    this.secretArnOutput = new CfnOutput(this, 'SecretArn', {
      description: 'Secrets Manager secret with the smoke-test client credentials (read by the pipeline through the smoke reader role)',
      value: this.secret.secretArn,
    });

    if (props.readerAccount !== undefined) {
      this.readerRole = new iam.Role(this, 'ReaderRole', {
        roleName: props.readerRoleName,
        path: SMOKE_READER_ROLE_PATH,
        description: `Read by the release pipeline (account ${props.readerAccount}): the smoke-test client credentials, nothing else`,
        assumedBy: new iam.AccountPrincipal(props.readerAccount),
      });
      // A customer managed policy rather than the role's default (inline) policy: its own resource,
      // attached to this role alone, so a direct deploy (no reader role) needs no acknowledgement.
      new iam.ManagedPolicy(this, 'ReaderPolicy', {
        description: 'Read the smoke-test client credentials: this one secret, decrypted through Secrets Manager only',
        roles: [this.readerRole],
        statements: this.readStatements(),
      });
      new CfnOutput(this, 'ReaderRoleArn', { description: 'Role the pipeline assumes to read the smoke client secret', value: this.readerRole.roleArn });
    }
  }

  /**
   * Lets `grantee` read the secret and nothing else: GetSecretValue on exactly its ARN, and
   * kms:Decrypt on the encryption key only when Secrets Manager asks for it
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    const [read, decrypt] = this.readStatements().map((statement) =>
      iam.Grant.addToPrincipal({ grantee, actions: statement.actions, resourceArns: statement.resources, conditions: statement.conditions }),
    );
    return read.combine(decrypt);
  }

  private readStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [this.secret.secretArn] }),
      new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
      }),
    ];
  }
}
