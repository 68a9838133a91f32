import { ConfigError } from '../../../runtime/src/errors/operator-errors';
import { parseKeyConfig } from '../../../runtime/src/config/key-config';

/** Issue 14 §8: the key providers, and the production entrypoint refusing a missing or insecure one. */
describe('key provider configuration', () => {
  const kms = { PII_KEY_PROVIDER: 'kms', SIGNING_KEY_SEAL: 'kms', AWS_REGION: 'eu-central-1', BRANDSTACK_BRAND: 'acme', BRANDSTACK_CUSTOMERS: 'acme-retail, acme-bank' };
  const refusal = (env: Record<string, string | undefined>) => {
    try {
      parseKeyConfig(env, { production: true });
    } catch (error) {
      if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
      throw error;
    }
    throw new Error('accepted');
  };

  test('production with KMS: both providers, the region, the brand and its customers', () => {
    expect(parseKeyConfig(kms, { production: true })).toEqual({
      personalData: 'kms',
      signingKeySeal: 'kms',
      insecureLocalKeys: false,
      localKeysFile: undefined,
      region: 'eu-central-1',
      brand: 'acme',
      customers: ['acme-retail', 'acme-bank'],
    });
  });

  test.each([
    [{ ...kms, PII_KEY_PROVIDER: undefined }, 'PII_KEY_PROVIDER', /is required: one of kms, local/],
    [{ ...kms, SIGNING_KEY_SEAL: undefined }, 'SIGNING_KEY_SEAL', /is required/],
    [{ ...kms, PII_KEY_PROVIDER: 'vault' }, 'PII_KEY_PROVIDER', /must be one of kms, local, got "vault"/],
    [{ ...kms, PII_KEY_PROVIDER: 'local' }, 'PII_KEY_PROVIDER', /refused in production.*ALLOW_INSECURE_LOCAL_KEYS=1/],
    [{ ...kms, SIGNING_KEY_SEAL: 'local' }, 'SIGNING_KEY_SEAL', /refused in production/],
    [{ ...kms, PII_KEY_PROVIDER: 'local', ALLOW_INSECURE_LOCAL_KEYS: '1' }, 'LOCAL_KEYS_FILE', /must outlive the process/],
    [{ ...kms, ALLOW_INSECURE_LOCAL_KEYS: 'yes' }, 'ALLOW_INSECURE_LOCAL_KEYS', /must be 1 or unset/],
    [{ ...kms, AWS_REGION: undefined }, 'AWS_REGION', /is required with the kms key provider/],
    [{ ...kms, AWS_REGION: 'Frankfurt' }, 'AWS_REGION', /got "Frankfurt"/],
    [{ ...kms, BRANDSTACK_BRAND: undefined }, 'BRANDSTACK_BRAND', /is required with the kms key provider/],
    [{ ...kms, BRANDSTACK_CUSTOMERS: 'ok,Not OK' }, 'BRANDSTACK_CUSTOMERS', /got "Not OK"/],
  ])('refused: %j names %s', (env, variable, message) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^[^\n]+\.$/);
  });

  test('local keys in production only when asked for, with a key file, and then flagged insecure', () => {
    const config = parseKeyConfig({ PII_KEY_PROVIDER: 'local', SIGNING_KEY_SEAL: 'local', ALLOW_INSECURE_LOCAL_KEYS: '1', LOCAL_KEYS_FILE: '/var/keys.json' }, { production: true });
    expect(config).toMatchObject({ personalData: 'local', signingKeySeal: 'local', insecureLocalKeys: true, localKeysFile: '/var/keys.json', brand: 'local' });
  });

  test('npm start: local by default, with the default key file when it has a database', () => {
    expect(parseKeyConfig({}, { production: false })).toMatchObject({ personalData: 'local', signingKeySeal: 'local', insecureLocalKeys: false, localKeysFile: undefined });
    expect(parseKeyConfig({}, { production: false, defaultLocalKeysFile: '.brandstack/local-keys.json' }).localKeysFile).toBe('.brandstack/local-keys.json');
  });
});
