import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidKeyProviderConfig, KEY_UNAVAILABLE_REASONS, KeyUnavailable } from '../../../runtime/src/errors/key-errors';
import { RuntimeError } from '../../../runtime/src/errors/runtime-error';
import { createKeyProvider } from '../../../runtime/src/key-providers/create-key-provider';
import type { KeyProviderConfig } from '../../../runtime/src/key-providers/create-key-provider';
import { KmsKeyProvider } from '../../../runtime/src/key-providers/kms-key-provider';
import { LocalKeyProvider } from '../../../runtime/src/key-providers/local-key-provider';

const CONTEXT = { 'brandstack:customer': 'globex', 'brandstack:tenant': 'shop' };
const GLOBEX = 'alias/brandstack/acme/globex';

describe('createKeyProvider', () => {
  test('kms: a KmsKeyProvider for the region', () => {
    const provider = createKeyProvider({ provider: 'kms', region: 'eu-west-1' });
    expect(provider).toBeInstanceOf(KmsKeyProvider);
    expect(provider.name).toBe('kms');
  });

  test('local without a file: keys in memory only', async () => {
    const provider = createKeyProvider({ provider: 'local' });
    expect(provider).toBeInstanceOf(LocalKeyProvider);
    expect(provider.name).toBe('local');
    const generated = await provider.generateDataKey(GLOBEX, CONTEXT);
    expect((await provider.decryptDataKey(generated.wrapped, CONTEXT, GLOBEX)).equals(generated.plaintext)).toBe(true);
  });

  test('local with a file: created 0600 if missing, and the keys survive a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bs-factory-')), 'dev', 'keys.json');
    const first = createKeyProvider({ provider: 'local', file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const generated = await first.generateDataKey(GLOBEX, CONTEXT);
    const second = createKeyProvider({ provider: 'local', file });
    expect((await second.decryptDataKey(generated.wrapped, CONTEXT, GLOBEX)).equals(generated.plaintext)).toBe(true);
  });

  test.each([
    [{ provider: 'vault' }, 'provider', 'the key provider must be one of kms, local; got "vault"'],
    [{}, 'provider', 'the key provider must be one of kms, local; got nothing'],
    [{ provider: 'KMS', region: 'eu-west-1' }, 'provider', 'must be one of kms, local; got "KMS"'],
    [{ provider: 'kms' }, 'region', 'the kms key provider needs the AWS Region of the keys (region), such as eu-west-1'],
    [{ provider: 'kms', region: 'Frankfurt' }, 'region', 'AWS Region such as eu-west-1; got "Frankfurt"'],
    [{ provider: 'local', file: '' }, 'file', "the local key provider's file must be a path to a JSON key file"],
  ])('%o is refused, naming %s', (config, option, message) => {
    let error: unknown;
    try {
      createKeyProvider(config as unknown as KeyProviderConfig);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidKeyProviderConfig);
    expect(error).toMatchObject({ option, code: 'invalid_key_provider_config', status: 500 });
    expect((error as Error).message).toContain(message);
  });
});

describe('KeyUnavailable', () => {
  test('is a coded RuntimeError (503) with a reason, the key in description and detail, and the cause kept', () => {
    const cause = new Error('DisabledException');
    const error = new KeyUnavailable('disabled', GLOBEX, { cause, detail: 'kms:Decrypt failed with DisabledException' });
    expect(error).toBeInstanceOf(RuntimeError);
    expect(error).toMatchObject({ name: 'KeyUnavailable', code: 'key_unavailable', status: 503, reason: 'disabled', keyRef: GLOBEX });
    expect(error.description).toBe(`the key ${GLOBEX} is disabled`);
    expect(error.detail).toBe(`reason=disabled keyRef=${GLOBEX}; kms:Decrypt failed with DisabledException`);
    expect(error.cause).toBe(cause);
  });

  test('a re-wrap failure names both keys', () => {
    const error = new KeyUnavailable('access_denied', GLOBEX, { toKeyRef: 'alias/brandstack/acme/initech' });
    expect(error.description).toBe(`re-wrapping from ${GLOBEX} to alias/brandstack/acme/initech: a key may not be used by this runtime`);
    expect(error.detail).toBe(`reason=access_denied keyRef=${GLOBEX} toKeyRef=alias/brandstack/acme/initech`);
  });

  test('every reason reads as a sentence', () => {
    const descriptions = KEY_UNAVAILABLE_REASONS.map((reason) => new KeyUnavailable(reason, GLOBEX).description);
    expect(descriptions).toEqual([
      `the key ${GLOBEX} may not be used by this runtime`,
      `the key ${GLOBEX} is disabled`,
      `the key ${GLOBEX} is not in a state to be used`,
      `the key ${GLOBEX} does not exist`,
      `the key ${GLOBEX} does not open this wrapped data key with this encryption context`,
      `the key ${GLOBEX} is throttled`,
      `the key ${GLOBEX} could not be reached`,
    ]);
  });
});
