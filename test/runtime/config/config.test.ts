import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEmbeddedConfig } from '../../../runtime/src/config/embedded-config';
import { parseProductionConfig } from '../../../runtime/src/config/production-config';
import { ConfigError } from '../../../runtime/src/errors/operator-errors';

const valid = {
  DATABASE_URL: 'postgres://identity:s3cret@db.internal:5432/identity',
  SIGNING_KEY_SOURCE: 'database',
  KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  PII_KEY_PROVIDER: 'kms',
  SIGNING_KEY_SEAL: 'kms',
  AWS_REGION: 'eu-central-1',
  BRANDSTACK_BRAND: 'acme',
  CLIENT_SECRET_PEPPER: randomBytes(32).toString('base64'),
  PLATFORM_ADMIN_CLIENT_SECRET: randomBytes(32).toString('base64url'),
  AMQP_URL: 'amqps://relay:secret@b-1234.mq.eu-central-1.amazonaws.com:5671',
  ISSUER_BASE_URL: 'https://id.example.com',
};

function configError(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('production configuration (runtime/src/server.ts)', () => {
  test('a complete environment parses, with secure defaults for the rest', () => {
    const config = parseProductionConfig(valid);
    expect(config).toMatchObject({
      databaseUrl: valid.DATABASE_URL,
      databaseUrlFile: undefined,
      databaseSchema: 'identity',
      signingKeySource: 'database',
      platformAdminClientSecret: valid.PLATFORM_ADMIN_CLIENT_SECRET,
      amqpUrl: valid.AMQP_URL,
      issuerBaseUrl: 'https://id.example.com',
      host: '0.0.0.0',
      port: 8080,
      logLevel: 'info',
      keyCacheSeconds: 10,
      jwksMaxAgeSeconds: 60,
      publicationDelaySeconds: 70,
    });
    expect(config.keyEncryptionKey).toHaveLength(32);
  });

  test.each(['DATABASE_URL', 'SIGNING_KEY_SOURCE', 'CLIENT_SECRET_PEPPER', 'PLATFORM_ADMIN_CLIENT_SECRET', 'AMQP_URL', 'ISSUER_BASE_URL', 'PII_KEY_PROVIDER', 'SIGNING_KEY_SEAL', 'AWS_REGION', 'BRANDSTACK_BRAND'])(
    'without %s it refuses with one sentence naming the variable',
    (name) => {
      const error = configError(() => parseProductionConfig({ ...valid, [name]: undefined }));
      expect(error.variable).toBe(name);
      expect(error.message.startsWith(name)).toBe(true);
      expect(error.message).toMatch(/^[^\n]+\.$/);
    },
  );

  test.each([
    ['DATABASE_URL', 'mysql://root:hunter2@db/identity', /postgres:\/\//],
    ['DATABASE_SCHEMA', 'Bad-Schema', /lower-case SQL identifier/],
    ['SIGNING_KEY_SOURCE', 'file', /one of database; got "file"/],
    ['KEY_ENCRYPTION_KEY', randomBytes(16).toString('base64'), /exactly 32 random bytes/],
    ['KEY_ENCRYPTION_KEY', 'not base64!', /base64/],
    ['CLIENT_SECRET_PEPPER', randomBytes(8).toString('base64'), /at least 32 random bytes/],
    ['PLATFORM_ADMIN_CLIENT_SECRET', 'short', /at least 32 characters/],
    ['AMQP_URL', 'amqp://relay:secret@b-1234.mq.eu-central-1.amazonaws.com:5672', /amqps/],
    ['ISSUER_BASE_URL', 'http://id.example.com', /https/],
    ['ISSUER_BASE_URL', 'https://id.example.com/?x=1', /query or a fragment/],
    ['ISSUER_BASE_URL', 'id.example.com', /absolute URL/],
    ['PORT', '80a', /integer from 0 to 65535/],
    ['PORT', '70000', /integer from 0 to 65535/],
    ['LOG_LEVEL', 'loud', /one of fatal, error, warn, info, debug, trace, silent/],
    ['KEY_CACHE_SECONDS', '0', /integer from 1 to 300/],
  ])('%s=%p is refused with a message naming it and the allowed values', (name, value, message) => {
    const error = configError(() => parseProductionConfig({ ...valid, [name]: value }));
    expect(error.variable).toBe(name);
    expect(error.message).toMatch(message);
  });

  describe('DATABASE_URL_FILE, the form that follows password rotation', () => {
    const { DATABASE_URL: _inline, ...withoutUrl } = valid;
    const fileHolding = (content: string) => {
      const path = join(mkdtempSync(join(tmpdir(), 'bs-dburl-')), 'DATABASE_URL');
      writeFileSync(path, content);
      return path;
    };

    test('the URL is read from the file (a trailing newline ignored), and the path is kept for re-reading', () => {
      const path = fileHolding(`${valid.DATABASE_URL}\n`);
      expect(parseProductionConfig({ ...withoutUrl, DATABASE_URL_FILE: path })).toMatchObject({ databaseUrl: valid.DATABASE_URL, databaseUrlFile: path });
    });

    test('neither variable is refused with a sentence naming both', () => {
      const error = configError(() => parseProductionConfig(withoutUrl));
      expect(error.variable).toBe('DATABASE_URL');
      expect(error.message).toMatch(/^DATABASE_URL or DATABASE_URL_FILE is required: [^\n]+\.$/);
    });

    test('both variables are refused with a sentence naming both', () => {
      const error = configError(() => parseProductionConfig({ ...valid, DATABASE_URL_FILE: fileHolding(valid.DATABASE_URL) }));
      expect(error.variable).toBe('DATABASE_URL_FILE');
      expect(error.message).toBe('DATABASE_URL_FILE and DATABASE_URL are both set: set exactly one (the file form follows password rotation).');
    });

    test('an unreadable file is refused with its path and error code', () => {
      const error = configError(() => parseProductionConfig({ ...withoutUrl, DATABASE_URL_FILE: '/nonexistent/DATABASE_URL' }));
      expect(error.variable).toBe('DATABASE_URL_FILE');
      expect(error.message).toBe('DATABASE_URL_FILE cannot be read: ENOENT (/nonexistent/DATABASE_URL).');
    });

    test('a file holding something else than a postgres URL is refused without echoing it', () => {
      const error = configError(() => parseProductionConfig({ ...withoutUrl, DATABASE_URL_FILE: fileHolding('mysql://root:hunter2@db/x') }));
      expect(error.variable).toBe('DATABASE_URL_FILE');
      expect(error.message).toBe('DATABASE_URL_FILE must hold a postgres:// or postgresql:// URL.');
      expect(error.message).not.toContain('hunter2');
    });
  });

  test('errors never echo secrets', () => {
    expect(configError(() => parseProductionConfig({ ...valid, DATABASE_URL: 'mysql://root:hunter2@db/x' })).message).not.toContain('hunter2');
    expect(configError(() => parseProductionConfig({ ...valid, PLATFORM_ADMIN_CLIENT_SECRET: 'tooshort-secret' })).message).not.toContain('tooshort-secret');
    expect(configError(() => parseProductionConfig({ ...valid, KEY_ENCRYPTION_KEY: 'AAAA' })).message).not.toContain('AAAA');
  });

  test('a plain-http issuer is accepted only on loopback', () => {
    expect(parseProductionConfig({ ...valid, ISSUER_BASE_URL: 'http://127.0.0.1:8080/' }).issuerBaseUrl).toBe('http://127.0.0.1:8080');
  });
});

describe('embedded configuration (npm start)', () => {
  test('zero configuration works', () => {
    expect(parseEmbeddedConfig({})).toMatchObject({ host: '127.0.0.1', port: 8080, issuerBaseUrl: undefined, signingKey: undefined, platformAdminClientSecret: undefined, amqpUrl: undefined });
  });

  test('a configured signing key file is loaded', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-key-'));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(dir, 'key.pem'), privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const config = parseEmbeddedConfig({ SIGNING_KEY_FILE: join(dir, 'key.pem') });
    expect(config.signingKey?.publicJwk.n).toBe(publicKey.export({ format: 'jwk' }).n);
  });

  test.each([
    ['SIGNING_KEY_FILE', '/nonexistent/key.pem', /cannot be read: ENOENT/],
    ['DEMO_CLIENT_SECRET', 'password', /at least 32 characters/],
    ['DEMO_CLIENT_ID', 'has space', /must match/],
    ['PLATFORM_ADMIN_CLIENT_SECRET', 'admin', /at least 32 characters/],
    ['PORT', '-1', /integer from 0 to 65535/],
    ['ISSUER_BASE_URL', 'ftp://x', /https/],
  ])('%s=%p is refused', (name, value, message) => {
    const error = configError(() => parseEmbeddedConfig({ [name]: value }));
    expect(error.variable).toBe(name);
    expect(error.message).toMatch(message);
  });

  test('a key file with a weak or non-RSA key is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bs-key-'));
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    writeFileSync(join(dir, 'weak.pem'), weak);
    writeFileSync(join(dir, 'ec.pem'), ec);
    writeFileSync(join(dir, 'junk.pem'), 'hello');
    expect(configError(() => parseEmbeddedConfig({ SIGNING_KEY_FILE: join(dir, 'weak.pem') })).message).toMatch(/at least 2048 bits, got 1024/);
    expect(configError(() => parseEmbeddedConfig({ SIGNING_KEY_FILE: join(dir, 'ec.pem') })).message).toMatch(/RSA private key/);
    expect(configError(() => parseEmbeddedConfig({ SIGNING_KEY_FILE: join(dir, 'junk.pem') })).message).toMatch(/not a PEM private key/);
  });
});
