import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { developmentState } from '../../../runtime/src/config/development-state';
import { parseEmbeddedConfig } from '../../../runtime/src/config/embedded-config';
import { parseProductionConfig } from '../../../runtime/src/config/production-config';
import { ConfigError } from '../../../runtime/src/errors/operator-errors';

/** The settings issues 13 and 14 added, each refused with one sentence naming it; and what nothing writes on the way. */
const production = {
  DATABASE_URL: 'postgres://identity:s3cret@db.internal:5432/identity',
  SIGNING_KEY_SOURCE: 'database',
  CLIENT_SECRET_PEPPER: randomBytes(32).toString('base64'),
  PLATFORM_ADMIN_CLIENT_SECRET: randomBytes(32).toString('base64url'),
  AMQP_URL: 'amqps://relay:secret@b-1234.mq.eu-central-1.amazonaws.com:5671',
  ISSUER_BASE_URL: 'https://id.example.com',
  PII_KEY_PROVIDER: 'kms',
  SIGNING_KEY_SEAL: 'kms',
  AWS_REGION: 'eu-central-1',
  BRANDSTACK_BRAND: 'acme',
};

function refusal(parse: () => unknown): ConfigError {
  try {
    parse();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('issue 13 and 14 settings', () => {
  test.each([
    ['AUDIT_MONGO_URL', { AUDIT_MONGO_URL: 'mongodb://writer:pw@docdb.internal:27017/?replicaSet=rs0' }, /tls=true/],
    ['AUDIT_MONGO_DATABASE', { AUDIT_MONGO_DATABASE: 'audit trail' }, /got "audit trail"/],
    ['PLATFORM_ADMIN_CLIENT_SECRET_FILE', { PLATFORM_ADMIN_CLIENT_SECRET: undefined, PLATFORM_ADMIN_CLIENT_SECRET_FILE: '/nonexistent/secret' }, /cannot be read: ENOENT/],
  ])('production: a bad %s is refused naming it', (variable, change, message) => {
    const error = refusal(() => parseProductionConfig({ ...production, ...change }));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('pw@');
  });

  test('production: the admin secret from a file, and a database name', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bs-secret-')), 'secret');
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`);
    const config = parseProductionConfig({ ...production, PLATFORM_ADMIN_CLIENT_SECRET: undefined, PLATFORM_ADMIN_CLIENT_SECRET_FILE: file, AUDIT_MONGO_DATABASE: 'audit' });
    expect(config).toMatchObject({ platformAdminClientSecret: secret, auditMongoDatabase: 'audit', auditMongoUrl: undefined });
    expect(refusal(() => parseProductionConfig({ ...production, PLATFORM_ADMIN_CLIENT_SECRET_FILE: file })).variable).toBe('PLATFORM_ADMIN_CLIENT_SECRET_FILE');
  });

  test.each([
    ['DATABASE_URL', { DATABASE_URL: 'mysql://db/x' }, /postgres:\/\//],
    ['DATABASE_SCHEMA', { DATABASE_URL: 'postgres://db/x', DATABASE_SCHEMA: 'Drop Table' }, /lower-case SQL identifier/],
    ['AMQP_URL', { AMQP_URL: 'amqp://guest:guest@rabbit.internal:5672' }, /amqps/],
    ['PII_KEY_PROVIDER', { PII_KEY_PROVIDER: 'vault' }, /one of kms, local/],
  ])('npm start: a bad %s is refused naming it', (variable, env, message) => {
    const error = refusal(() => parseEmbeddedConfig(env));
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
  });

  test('development state: created 0600 once and reused; a malformed file is refused naming BRANDSTACK_STATE_DIR and left as it is', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bs-state-')), 'state');
    const first = developmentState(dir);
    expect(statSync(join(dir, 'development-state.json')).mode & 0o777).toBe(0o600);
    expect(developmentState(dir)).toEqual(first);
    writeFileSync(join(dir, 'development-state.json'), '{"platformAdminClientSecret": 1}');
    const error = refusal(() => developmentState(dir));
    expect(error.variable).toBe('BRANDSTACK_STATE_DIR');
    expect(error.message).toContain('remove it to start afresh');
    expect(readFileSync(join(dir, 'development-state.json'), 'utf8')).toBe('{"platformAdminClientSecret": 1}');
    writeFileSync(join(dir, 'development-state.json'), 'not json');
    expect(refusal(() => developmentState(dir)).variable).toBe('BRANDSTACK_STATE_DIR');
  });
});
