import { randomBytes, randomUUID } from 'node:crypto';
import { DecryptCommand, DisabledException, GenerateDataKeyCommand, KMSClient, KMSInvalidStateException, KMSServiceException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { DataKeyCache } from '../../../runtime/src/key-providers/data-key-cache';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';
import { Customers } from '../../../runtime/src/tenants/provisioning';
import { querySchema } from '../helpers/postgres';
import { startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * Issue 14 §11 through the runtime, with KMS played by aws-sdk-client-mock (no AWS here): every
 * data key is asked for under the tenant's customer key with the customer, tenant and user in the
 * encryption context; a sign-in with a warm cache asks nothing; and each way KMS refuses gives a
 * clear 503 with nothing half-written.
 */
describe('personal data with the KMS provider (mocked KMS)', () => {
  const kms = mockClient(KMSClient);
  const keyIds = new Map<string, string>();
  const wrapped = new Map<string, { plaintext: Buffer; context: Record<string, string>; keyId: string }>();
  let h: Harness;

  const behaveLikeKms = () => {
    kms.reset();
    kms.on(GenerateDataKeyCommand).callsFake((input: { KeyId: string; EncryptionContext: Record<string, string> }) => {
      const plaintext = randomBytes(32);
      const blob = randomBytes(48);
      // The ARN of the key the alias names, as KMS answers (a key id is a UUID).
      const keyId = `arn:aws:kms:eu-central-1:111122223333:key/${keyIds.get(input.KeyId) ?? keyIds.set(input.KeyId, randomUUID()).get(input.KeyId)}`;
      wrapped.set(blob.toString('hex'), { plaintext, context: { ...input.EncryptionContext }, keyId });
      return { Plaintext: new Uint8Array(plaintext), CiphertextBlob: new Uint8Array(blob), KeyId: keyId };
    });
    kms.on(DecryptCommand).callsFake((input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string>; KeyId: string }) => {
      const entry = wrapped.get(Buffer.from(input.CiphertextBlob).toString('hex'));
      // KMS refuses a different context or key: InvalidCiphertextException / IncorrectKeyException.
      if (!entry || JSON.stringify(entry.context) !== JSON.stringify(input.EncryptionContext) || entry.keyId !== input.KeyId) {
        throw new KMSServiceException({ name: 'InvalidCiphertextException', $fault: 'client', $metadata: {}, message: 'bad' });
      }
      return { Plaintext: new Uint8Array(entry.plaintext), KeyId: entry.keyId };
    });
  };

  beforeAll(async () => {
    behaveLikeKms();
    h = await startHarness('postgres', {
      personalDataKeys: new DataKeyCache(new KmsKeyProvider(new KMSClient({ region: 'eu-central-1' }))),
      customers: new Customers('acme', ['retail']),
    });
    expect((await h.admin('POST', '/admin/tenants', { tenant: 'shop', customer: 'retail' })).status).toBe(201);
    expect((await h.admin('POST', '/admin/tenants', { tenant: 'nobody', customer: 'wholesale' })).json.error_description).toContain("not one of this brand's customers: retail");
  });
  afterAll(async () => {
    await h.close();
    kms.restore();
  });

  test('data keys under the customer key, with customer, tenant and user in the context; a warm sign-in asks KMS nothing', async () => {
    const created = await h.admin('POST', '/admin/tenants/shop/users', { username: 'kim', name: 'Kim K', password: 'a passphrase long enough ok' });
    expect(created.status).toBe(201);
    const generated = kms.commandCalls(GenerateDataKeyCommand).map((c) => c.args[0].input);
    expect(generated).toContainEqual(
      expect.objectContaining({ KeyId: 'alias/brandstack/acme/retail', KeySpec: 'AES_256', EncryptionContext: { 'brandstack:customer': 'retail', 'brandstack:tenant': 'shop', 'brandstack:user': created.json.id } }),
    );
    expect(generated).toContainEqual(
      expect.objectContaining({ KeyId: 'alias/brandstack/acme/retail', EncryptionContext: { 'brandstack:customer': 'retail', 'brandstack:tenant': 'shop', 'brandstack:purpose': 'blind-index' } }),
    );
    await h.runtime.users.authenticate('shop', 'kim', 'a passphrase long enough ok', new Date());
    const before = kms.calls().length;
    expect((await h.runtime.users.authenticate('shop', 'kim', 'a passphrase long enough ok', new Date())).ok).toBe(true);
    expect(kms.calls().length).toBe(before);
  });

  test.each([
    ['AccessDeniedException', () => new KMSServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: {}, message: 'denied' }), 'access_denied'],
    ['DisabledException', () => new DisabledException({ $metadata: {}, message: 'disabled' }), 'disabled'],
    ['KMSInvalidStateException', () => new KMSInvalidStateException({ $metadata: {}, message: 'pending deletion' }), 'invalid_state'],
    ['ThrottlingException', () => new KMSServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {}, message: 'slow down' }), 'throttled'],
  ])('%s: 503 naming the tenant and the reason, and no user row written', async (_name, error, reason) => {
    kms.on(GenerateDataKeyCommand).rejects(error());
    try {
      const refused = await h.admin('POST', '/admin/tenants/shop/users', { username: `refused-${reason}`, name: 'Not Stored' });
      expect(refused.status).toBe(503);
      expect(refused.json.error).toBe('personal_data_unavailable');
      expect(refused.json.error_description).toContain('tenant "shop"');
      expect(refused.json.error_description).toContain(`(${reason})`);
      const [{ n }] = await querySchema<{ n: number }>(h.schema!, `SELECT count(*)::int AS n FROM users WHERE tenant_id = 'shop'`);
      expect(n).toBe(1);
    } finally {
      behaveLikeKms();
    }
  });
});
