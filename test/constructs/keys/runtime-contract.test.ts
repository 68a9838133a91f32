/**
 * The contract between the runtime and the grants BrandKeys writes: the encryption contexts the
 * runtime actually puts on the wire to KMS (its KmsKeyProvider over a KMSClient mocked with
 * aws-sdk-client-mock, driven by the runtime's own sealer and context builders) pass the
 * statements the stack grants its role, and nothing else does. A runtime change of context
 * (a new key, a new purpose) fails here before it fails in an account with AccessDenied.
 */
import { generateKeyPairSync } from 'node:crypto';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient, ReEncryptCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { BrandKeys } from '../../../lib/constructs/keys/brand-keys';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';
import { EnvelopeKeySealer } from '../../../runtime/src/keys/envelope-key-sealer';
import { publicJwkOf } from '../../../runtime/src/keys/rsa-key';
import { indexKeyContext, userKeyContext } from '../../../runtime/src/personal-data/customer-keys';
import { conditionsHold, kmsRequestContext } from '../../helpers/iam-conditions';

const ACCOUNT = '111111111111';
const DATA_KEY = Buffer.alloc(32, 7);
/** A stand-in key ARN per alias, as KMS answers GenerateDataKey with the key's ARN. */
const KEY_IDS: Record<string, string> = {
  'alias/brandstack/acme/platform': '00000000-0000-4000-8000-000000000001',
  'alias/brandstack/acme/acme-retail': '00000000-0000-4000-8000-000000000002',
  'alias/brandstack/acme/globex': '00000000-0000-4000-8000-000000000003',
};
const keyArnOf = (alias: string) => `arn:aws:kms:eu-central-1:${ACCOUNT}:key/${KEY_IDS[alias] ?? 'ffffffff-ffff-4fff-8fff-ffffffffffff'}`;

/** The stack's grants to one runtime role: customer-key statements by customer, and the role's IAM statements. */
function grants() {
  const stack = new Stack(new App(), 'Test', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  const keys = new BrandKeys(stack, 'Keys', { brandId: 'acme', customers: ['acme-retail', 'globex'], deletionWindow: Duration.days(30) });
  const role = new iam.Role(stack, 'Runtime', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
  keys.grantCustomerEnvelopeEncryption(role);
  keys.grantSigningKeySeal(role);
  const json = Template.fromStack(stack).toJSON();
  const resources = Object.entries<any>(json.Resources);
  const keyIdOf = (alias: string) => resources.find(([, r]) => r.Type === 'AWS::KMS::Alias' && r.Properties.AliasName === alias)![1].Properties.TargetKeyId['Fn::GetAtt'][0];
  const customerStatements = (customer: string) =>
    json.Resources[keyIdOf(`alias/brandstack/acme/${customer}`)].Properties.KeyPolicy.Statement.filter((s: any) => JSON.stringify(s.Principal).includes('Runtime'));
  const iamStatements: any[] = resources.filter(([, r]) => r.Type === 'AWS::IAM::Policy').flatMap(([, r]) => r.Properties.PolicyDocument.Statement);
  return { customerStatements, iamStatements, platformKeyId: keyIdOf('alias/brandstack/acme/platform') };
}

/** Whether any Allow statement with `action` admits the request context. */
function allows(statements: any[], action: string, request: ReturnType<typeof kmsRequestContext>): boolean {
  return statements.some((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action) && conditionsHold(s.Condition, request));
}

describe('the encryption contexts the runtime sends pass the grants of the stack, and only those', () => {
  const kms = mockClient(KMSClient);
  beforeEach(() => {
    kms.reset();
    kms.on(GenerateDataKeyCommand).callsFake((input) => ({ Plaintext: Uint8Array.from(DATA_KEY), CiphertextBlob: Uint8Array.of(1, 2, 3), KeyId: keyArnOf(String(input.KeyId)) }));
    kms.on(DecryptCommand).callsFake(() => ({ Plaintext: Uint8Array.from(DATA_KEY) }));
    kms.on(ReEncryptCommand).callsFake((input) => ({ CiphertextBlob: Uint8Array.of(4, 5, 6), KeyId: keyArnOf(String(input.DestinationKeyId)) }));
  });
  afterAll(() => kms.restore());

  test('signing-key seal and attestations: every GenerateDataKey and Decrypt on the platform key is allowed by the seal statements, by no customer key', async () => {
    const provider = new KmsKeyProvider(new KMSClient({ region: 'eu-central-1' }));
    const sealer = new EnvelopeKeySealer({ keys: provider, platformKeyRef: 'alias/brandstack/acme/platform' });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicJwkOf(privateKey);
    const sealed = await sealer.seal(privateKey, 'acme-retail', jwk.kid);
    await sealer.open(sealed, 'acme-retail', jwk.kid);
    const attestation = await sealer.attest('acme-retail', jwk);
    expect(await sealer.verify(attestation, 'acme-retail', jwk)).toBe(true);
    // Document attestations (a client's JWKS).
    const document = Buffer.from('{"keys":[]}');
    const documentAttestation = await sealer.attestDocument('acme-retail', 'client-jwks:app-1', document);
    expect(await sealer.verifyDocument(documentAttestation, 'acme-retail', 'client-jwks:app-1', document)).toBe(true);

    const { iamStatements, customerStatements } = grants();
    const calls = [
      ...kms.commandCalls(GenerateDataKeyCommand).map((c) => ({ action: 'kms:GenerateDataKey', input: c.args[0].input })),
      ...kms.commandCalls(DecryptCommand).map((c) => ({ action: 'kms:Decrypt', input: c.args[0].input })),
    ];
    // seal, open, attest, verify, attest a document, verify it: three GenerateDataKey, three Decrypt.
    expect(calls.map((c) => c.action).sort()).toEqual(['kms:Decrypt', 'kms:Decrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKey', 'kms:GenerateDataKey']);
    for (const { action, input } of calls) {
      const request = kmsRequestContext(input.EncryptionContext ?? {});
      expect([action, input.EncryptionContext, allows(iamStatements, action, request)]).toEqual([action, input.EncryptionContext, true]);
      for (const customer of ['acme-retail', 'globex']) expect(allows(customerStatements(customer), action, request)).toBe(false);
    }
    // The seal names the platform key, never a customer key.
    expect(kms.commandCalls(GenerateDataKeyCommand).map((c) => c.args[0].input.KeyId)).toEqual(expect.arrayContaining(['alias/brandstack/acme/platform']));
  });

  test("personal data: user and blind-index keys under a customer's key pass that key's policy only, never the platform key's seal", async () => {
    const provider = new KmsKeyProvider(new KMSClient({ region: 'eu-central-1' }));
    for (const customer of ['acme-retail', 'globex']) {
      const user = await provider.generateDataKey(`alias/brandstack/acme/${customer}`, userKeyContext({ customer }, 't-1', 'u-1'));
      await provider.decryptDataKey(user.wrapped, userKeyContext({ customer }, 't-1', 'u-1'), user.keyId);
      await provider.generateDataKey(`alias/brandstack/acme/${customer}`, indexKeyContext({ customer }, 't-1'));
    }
    const { iamStatements, customerStatements } = grants();
    const calls = [
      ...kms.commandCalls(GenerateDataKeyCommand).map((c) => ({ action: 'kms:GenerateDataKey', input: c.args[0].input })),
      ...kms.commandCalls(DecryptCommand).map((c) => ({ action: 'kms:Decrypt', input: c.args[0].input })),
    ];
    expect(calls).toHaveLength(6);
    for (const { action, input } of calls) {
      const customer = input.EncryptionContext!['brandstack:customer']!;
      const other = customer === 'globex' ? 'acme-retail' : 'globex';
      const request = kmsRequestContext(input.EncryptionContext!);
      expect([customer, action, allows(customerStatements(customer), action, request)]).toEqual([customer, action, true]);
      expect(allows(customerStatements(other), action, request)).toBe(false);
      expect(allows(iamStatements, action, request)).toBe(false);
    }
  });

  test('a re-wrap from one customer key to another: ReEncryptFrom on the source under its context, ReEncryptTo on the destination under its own', async () => {
    const provider = new KmsKeyProvider(new KMSClient({ region: 'eu-central-1' }));
    await provider.reWrapDataKey(Buffer.of(1, 2, 3), userKeyContext({ customer: 'acme-retail' }, 't-1', 'u-1'), 'alias/brandstack/acme/acme-retail', 'alias/brandstack/acme/globex', userKeyContext({ customer: 'globex' }, 't-1', 'u-1'));
    const [call] = kms.commandCalls(ReEncryptCommand);
    const input = call!.args[0].input;
    const { customerStatements } = grants();
    // KMS authorizes ReEncrypt as ReEncryptFrom on the source key and ReEncryptTo on the destination
    // (https://docs.aws.amazon.com/kms/latest/APIReference/API_ReEncrypt.html); each side's context is that key's customer's.
    expect(allows(customerStatements('acme-retail'), 'kms:ReEncryptFrom', kmsRequestContext(input.SourceEncryptionContext!))).toBe(true);
    expect(allows(customerStatements('globex'), 'kms:ReEncryptTo', kmsRequestContext(input.DestinationEncryptionContext!))).toBe(true);
    expect(allows(customerStatements('globex'), 'kms:ReEncryptFrom', kmsRequestContext(input.SourceEncryptionContext!))).toBe(false);
    expect(allows(customerStatements('acme-retail'), 'kms:ReEncryptTo', kmsRequestContext(input.DestinationEncryptionContext!))).toBe(false);
  });
});
