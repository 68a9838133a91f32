import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMongoUrl } from '../../../runtime/src/config/mongo-url';
import { ConfigError } from '../../../runtime/src/errors/operator-errors';

const dir = mkdtempSync(join(tmpdir(), 'mongo-url-'));
const CA = join(dir, 'rds-global-bundle.pem');
writeFileSync(CA, '-----BEGIN CERTIFICATE-----\n');

/** The URL External Secrets composes for DocumentDB (lib/charts/runtime-secret.ts). */
const DOCUMENT_DB = `mongodb://audit:s3cretPW@brand-docdb.cluster-abc.eu-west-1.docdb.amazonaws.com:27017/?tls=true&tlsCAFile=${CA}&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false`;

function refusal(env: Record<string, string>): ConfigError {
  try {
    parseMongoUrl(env, 'AUDIT_MONGO_URL');
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

test('neither variable set: undefined', () => {
  expect(parseMongoUrl({}, 'AUDIT_MONGO_URL')).toBeUndefined();
  expect(parseMongoUrl({ AUDIT_MONGO_URL: ' ' }, 'AUDIT_MONGO_URL')).toBeUndefined();
});

test('accepts the DocumentDB URL with tls=true and a readable CA bundle', () => {
  expect(parseMongoUrl({ AUDIT_MONGO_URL: DOCUMENT_DB }, 'AUDIT_MONGO_URL')).toEqual({
    url: DOCUMENT_DB,
    variable: 'AUDIT_MONGO_URL',
    hosts: ['brand-docdb.cluster-abc.eu-west-1.docdb.amazonaws.com'],
    tls: true,
  });
});

test.each([
  ['mongodb://127.0.0.1:27017', ['127.0.0.1']],
  ['mongodb://localhost/brandstack', ['localhost']],
  ['mongodb://u:p@[::1]:27017,127.0.0.2:27018/?replicaSet=rs0', ['::1', '127.0.0.2']],
])('accepts plain mongodb:// to loopback: %s', (url, hosts) => {
  expect(parseMongoUrl({ AUDIT_MONGO_URL: url }, 'AUDIT_MONGO_URL')).toMatchObject({ url, hosts, tls: false });
});

test.each([
  ['mongodb+srv://u:p@cluster0.example.net/db', true],
  ['mongodb://u:p@a.example:27017,b.example:27017/?SSL=TRUE&replicaSet=rs0', true],
])('accepts TLS to remote hosts: %s', (url, tls) => {
  expect(parseMongoUrl({ AUDIT_MONGO_URL: url }, 'AUDIT_MONGO_URL')?.tls).toBe(tls);
});

test.each([
  ['mongodb://u:s3cretPW@docdb.example:27017/?replicaSet=rs0', 'tls=true is missing, and docdb.example is not loopback'],
  ['mongodb://u:s3cretPW@docdb.example:27017/?tls=false', 'tls=true is missing'],
  ['mongodb://u:s3cretPW@127.0.0.1,docdb.example/', 'docdb.example is not loopback'],
  ['mongodb+srv://u:s3cretPW@cluster0.example.net/?tls=false', 'tls=true is missing'],
  ['mongodb://u:s3cretPW@docdb.example/?tls=true&tlsAllowInvalidCertificates=true', 'tlsAllowInvalidCertificates switches certificate checks off'],
  ['mongodb://u:s3cretPW@docdb.example/?tls=true&tlsInsecure=true', 'tlsInsecure switches certificate checks off'],
  ['mongodb://u:s3cretPW@docdb.example/?tls=true&ssl=false', 'tls and ssl contradict each other'],
  ['mongodb://u:s3cretPW@docdb.example/?tls=yes', 'neither true nor false'],
  ['mongodb://u:s3cretPW@docdb.example:99999/?tls=true', 'a host is not host[:port]'],
  ['mongodb://u:s3cretPW@/?tls=true', 'it names no host'],
  ['mongodb+srv://u:s3cretPW@a.example,b.example/', 'exactly one host'],
  ['postgres://u:s3cretPW@docdb.example/', 'it does not start with mongodb://'],
])('refuses %s, naming AUDIT_MONGO_URL and never echoing the password', (url, says) => {
  const error = refusal({ AUDIT_MONGO_URL: url });
  expect(error.variable).toBe('AUDIT_MONGO_URL');
  expect(error.message).toContain('AUDIT_MONGO_URL must be a mongodb:// or mongodb+srv:// URL with tls=true');
  expect(error.message).toContain(says);
  expect(error.message).not.toContain('s3cretPW');
});

test('a tlsCAFile that cannot be read is refused at start, naming the path', () => {
  const error = refusal({ AUDIT_MONGO_URL: DOCUMENT_DB.replace(CA, join(dir, 'missing.pem')) });
  expect(error.variable).toBe('AUDIT_MONGO_URL');
  expect(error.message).toContain(`${join(dir, 'missing.pem')} is not (ENOENT)`);
  expect(error.message).not.toContain('s3cretPW');
});

test('AUDIT_MONGO_URL_FILE: read from the file, checked the same way, errors name AUDIT_MONGO_URL_FILE', () => {
  const good = join(dir, 'good');
  writeFileSync(good, `${DOCUMENT_DB}\n`);
  expect(parseMongoUrl({ AUDIT_MONGO_URL_FILE: good }, 'AUDIT_MONGO_URL')).toMatchObject({ url: DOCUMENT_DB, variable: 'AUDIT_MONGO_URL_FILE' });

  const plain = join(dir, 'plain');
  writeFileSync(plain, 'mongodb://u:s3cretPW@docdb.example:27017/');
  const error = refusal({ AUDIT_MONGO_URL_FILE: plain });
  expect(error.variable).toBe('AUDIT_MONGO_URL_FILE');
  expect(error.message).toMatch(/^AUDIT_MONGO_URL_FILE must hold a mongodb:\/\//);
  expect(error.message).not.toContain('s3cretPW');

  const missing = refusal({ AUDIT_MONGO_URL_FILE: join(dir, 'nope') });
  expect(missing.message).toContain('AUDIT_MONGO_URL_FILE cannot be read: ENOENT');
});

test('both set: refused, naming both', () => {
  const error = refusal({ AUDIT_MONGO_URL: 'mongodb://127.0.0.1', AUDIT_MONGO_URL_FILE: '/x' });
  expect(error.variable).toBe('AUDIT_MONGO_URL_FILE');
  expect(error.message).toBe('AUDIT_MONGO_URL_FILE and AUDIT_MONGO_URL are both set: set exactly one.');
});
