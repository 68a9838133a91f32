import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { InvalidClient, InvalidRequest, InvalidScope, InvalidTarget, OAuthError, RequestTooLarge, ServerError, UnsupportedGrantType } from '../../../runtime/src/errors/oauth-errors';
import {
  ConfigError,
  InconsistentKeySet,
  InsecureSecret,
  InvalidSigningKey,
  InvalidStoreOptions,
  IssuerBaseUnknown,
  KeyUnsealFailed,
  UnusableDatabaseUrlFile,
} from '../../../runtime/src/errors/operator-errors';
import { ClientExists, ClientNotFound, InvalidClientMetadata, KeyNotFound, KeyNotYetPublished, TenantExists, TenantNotFound } from '../../../runtime/src/errors/resource-errors';
import { AdminForbidden, AdminTokenInvalid } from '../../../runtime/src/errors/admin-errors';
import { InvalidKeyProviderConfig, InvalidKeyRequest, KeyUnavailable, UnusableKeyFile } from '../../../runtime/src/errors/key-errors';
import { PersonalDataKeyUnavailable, PersonalDataUnreadable, TenantWithoutCustomer } from '../../../runtime/src/errors/personal-data-errors';
import { RuntimeError } from '../../../runtime/src/errors/runtime-error';
import { planRotation } from '../../../runtime/src/keys/key-rotation';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { rsaSigningKey, rsaSigningKeyFromPem } from '../../../runtime/src/keys/rsa-key';
import { applyRotation } from '../../../runtime/src/store/apply-rotation';
import type { StoredSigningKey } from '../../../runtime/src/store/identity-store';
import { DatabaseUrlFile } from '../../../runtime/src/store/postgres/database-url-file';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { IssuerUrls } from '../../../runtime/src/tenants/issuer-urls';

describe('the coded error base', () => {
  test('description is the message, detail and cause stay beside it, name is the class', () => {
    const cause = new Error('jose said no');
    const error = new InvalidClient('client authentication failed', { detail: 'wrong secret', cause });
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toMatchObject({ name: 'InvalidClient', code: 'invalid_client', status: 401, description: 'client authentication failed', detail: 'wrong secret' });
    expect(error.message).toBe('client authentication failed');
    expect(error.message).not.toContain('wrong secret');
    expect(error.cause).toBe(cause);
    expect(new InvalidRequest('x').detail).toBeUndefined();
  });

  // Codes are API: clients and dashboards match on them. A change here is a breaking change.
  test.each([
    [new InvalidRequest('x'), 'invalid_request', 400],
    [new InvalidClient('x'), 'invalid_client', 401],
    [new InvalidScope('x'), 'invalid_scope', 400],
    [new UnsupportedGrantType('x'), 'unsupported_grant_type', 400],
    [new InvalidTarget('x'), 'invalid_target', 400],
    [new RequestTooLarge('x'), 'invalid_request', 413],
    [new ServerError(), 'server_error', 500],
    [new TenantNotFound('t'), 'tenant_not_found', 404],
    [new TenantExists('t'), 'tenant_exists', 409],
    [new ClientExists('c'), 'client_exists', 409],
    [new InvalidClientMetadata('x'), 'invalid_client_metadata', 400],
    [new KeyNotYetPublished('k', new Date(0)), 'key_not_yet_published', 409],
    [new ConfigError('X', 'X is wrong.'), 'invalid_config', 500],
    [new InsecureSecret('x'), 'insecure_secret', 500],
    [new InvalidSigningKey('x'), 'invalid_signing_key', 500],
    [new KeyUnsealFailed('k'), 'key_unseal_failed', 500],
    [new InconsistentKeySet('x'), 'inconsistent_key_set', 500],
    [new InvalidStoreOptions('x'), 'invalid_store_options', 500],
    [new UnusableDatabaseUrlFile('x'), 'unusable_database_url_file', 500],
    [new IssuerBaseUnknown(), 'issuer_base_unknown', 500],
    [new ClientNotFound('c'), 'client_not_found', 404],
    [new KeyNotFound('k'), 'key_not_found', 404],
    [new AdminTokenInvalid('x'), 'invalid_token', 401],
    [new AdminForbidden('audit:read', 'x'), 'insufficient_authority', 403],
    [new KeyUnavailable('disabled', 'alias/brandstack/acme/retail'), 'key_unavailable', 503],
    [new InvalidKeyRequest('keyRef', 'x'), 'invalid_key_request', 500],
    [new UnusableKeyFile('/k.json', 'x'), 'unusable_key_file', 500],
    [new InvalidKeyProviderConfig('provider', 'x'), 'invalid_key_provider_config', 500],
    [new PersonalDataUnreadable('email', 'x'), 'personal_data_unreadable', 500],
    [new PersonalDataKeyUnavailable('x'), 'personal_data_unavailable', 503],
    [new TenantWithoutCustomer('t'), 'tenant_without_customer', 409],
  ])('%p has code %s and status %d', (error, code, status) => {
    expect(error).toBeInstanceOf(RuntimeError);
    expect({ code: error.code, status: error.status }).toEqual({ code, status });
  });

  test('ServerError never carries internal detail in its description', () => {
    expect(new ServerError({ detail: 'pool exhausted' }).description).toBe('the request could not be completed');
  });
});

describe('no plain TypeError or Error crosses a module boundary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bs-errors-'));

  test('signing keys: InvalidSigningKey for a weak, a public, a non-RSA key and for text that is no PEM', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(() => rsaSigningKey(weak.privateKey)).toThrow(InvalidSigningKey);
    expect(() => rsaSigningKey(weak.publicKey)).toThrow(InvalidSigningKey);
    expect(() => rsaSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(InvalidSigningKey);
    let junk: unknown;
    try {
      rsaSigningKeyFromPem('hello');
    } catch (error) {
      junk = error;
    }
    expect(junk).toBeInstanceOf(InvalidSigningKey);
    expect(junk).toMatchObject({ description: 'not a PEM private key', detail: expect.stringMatching(/^ERR_/) });
  });

  test('secrets too short to be safe: InsecureSecret', () => {
    expect(() => new KeySealer(randomBytes(16))).toThrow(InsecureSecret);
    expect(() => new SecretHasher(randomBytes(16))).toThrow(InsecureSecret);
  });

  test('a sealed key that does not open: KeyUnsealFailed, with the cause kept for the log', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = rsaSigningKey(privateKey);
    const sealed = new KeySealer(randomBytes(32)).sealSync(key.privateKey, 't', key.kid);
    let error: unknown;
    try {
      new KeySealer(randomBytes(32)).openSync(sealed, 't', key.kid);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyUnsealFailed);
    // Node's crypto error comes from another realm under Jest, so check its tag rather than instanceof.
    expect(Object.prototype.toString.call((error as KeyUnsealFailed).cause)).toBe('[object Error]');
  });

  test('store options: InvalidStoreOptions, before any connection', async () => {
    await expect(PostgresStore.connect({ schema: 'identity' })).rejects.toThrow(InvalidStoreOptions);
    await expect(PostgresStore.connect({ connectionString: 'postgres://127.0.0.1:1/x', schema: 'Bad-Schema' })).rejects.toThrow(InvalidStoreOptions);
  });

  test('a DATABASE_URL_FILE that cannot be read or parsed: UnusableDatabaseUrlFile', async () => {
    const path = join(dir, 'DATABASE_URL');
    writeFileSync(path, 'postgres://u:pw@db:notaport/x');
    const file = new DatabaseUrlFile(path, 'postgres://u:pw@db:5432/x');
    await expect(file.currentPassword()).rejects.toThrow(UnusableDatabaseUrlFile);
    await expect(new DatabaseUrlFile(join(dir, 'missing'), 'postgres://u:pw@db:5432/x').currentPassword()).rejects.toThrow(UnusableDatabaseUrlFile);
  });

  test('a key set without its active or next key, or a plan that does not match it: InconsistentKeySet', () => {
    const at = new Date(0);
    const key = (kid: string, status: StoredSigningKey['status']): StoredSigningKey => ({
      kid,
      status,
      publicJwk: { kty: 'RSA', n: 'n', e: 'AQAB', kid, alg: 'RS256', use: 'sig' },
      sealedPrivateKey: status === 'retired' ? null : Buffer.alloc(1),
      attestation: null,
      createdAt: at,
      activatedAt: null,
      retiredAt: null,
      retainUntil: null,
    });
    const policy = { publicationDelaySeconds: 0, keyCacheSeconds: 0 };
    expect(() => planRotation({ keys: [key('a', 'active')], maxAccessTokenTtl: 0 }, key('n', 'next'), at, policy)).toThrow(InconsistentKeySet);
    const keys = [key('a', 'active'), key('b', 'next')];
    const plan = { at, retire: { kid: 'b', retainUntil: at }, activate: 'a', publish: key('c', 'next'), drop: [] };
    expect(() => applyRotation(keys, plan)).toThrow(InconsistentKeySet);
  });

  test('an issuer asked for before the base is known: IssuerBaseUnknown', () => {
    expect(() => new IssuerUrls().issuer('t')).toThrow(IssuerBaseUnknown);
  });
});
