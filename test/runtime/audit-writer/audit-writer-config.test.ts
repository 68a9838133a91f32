import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAuditWriterConfig } from '../../../runtime/src/audit-writer/audit-writer-config';
import { ConfigError } from '../../../runtime/src/errors/operator-errors';
import { spawnEntrypoint } from '../helpers/processes';

const BASE = { AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672', AUDIT_MONGO_URL: 'mongodb://127.0.0.1:27017' };
const PRODUCTION = { NODE_ENV: 'production', AMQP_URL: 'amqps://writer:brokerPW@b-1.mq.eu-west-1.amazonaws.com:5671', AUDIT_MONGO_URL: 'mongodb://audit:mongoPW@docdb.example:27017/?tls=true', AUDIT_RETENTION_DAYS: '400' };

function refusal(env: Record<string, string>): ConfigError {
  try {
    parseAuditWriterConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('audit writer settings', () => {
  it('defaults: database brandstack, port 8080, loopback host, info logs, no expiry outside production', () => {
    expect(parseAuditWriterConfig(BASE)).toEqual({
      amqp: { url: BASE.AMQP_URL, variable: 'AMQP_URL' },
      mongo: { url: BASE.AUDIT_MONGO_URL, variable: 'AUDIT_MONGO_URL', hosts: ['127.0.0.1'], tls: false },
      database: 'brandstack',
      retentionDays: undefined,
      host: '127.0.0.1',
      port: 8080,
      logLevel: 'info',
    });
  });

  it('production: every address in the cluster, the stage retention, TLS to both', () => {
    expect(parseAuditWriterConfig({ ...PRODUCTION, AUDIT_MONGO_DATABASE: 'audit_prod', PORT: '9090', LOG_LEVEL: 'warn' })).toMatchObject({
      database: 'audit_prod',
      retentionDays: 400,
      host: '0.0.0.0',
      port: 9090,
      logLevel: 'warn',
      mongo: { tls: true },
    });
  });

  it('reads both URLs from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-writer-'));
    writeFileSync(join(dir, 'amqp'), PRODUCTION.AMQP_URL);
    writeFileSync(join(dir, 'mongo'), PRODUCTION.AUDIT_MONGO_URL);
    const config = parseAuditWriterConfig({ NODE_ENV: 'production', AUDIT_RETENTION_DAYS: '30', AMQP_URL_FILE: join(dir, 'amqp'), AUDIT_MONGO_URL_FILE: join(dir, 'mongo') });
    expect(config.amqp).toEqual({ url: PRODUCTION.AMQP_URL, variable: 'AMQP_URL_FILE' });
    expect(config.mongo).toMatchObject({ url: PRODUCTION.AUDIT_MONGO_URL, variable: 'AUDIT_MONGO_URL_FILE' });
  });

  it.each([
    [{ ...BASE, AMQP_URL: '' }, 'AMQP_URL', 'AMQP_URL or AMQP_URL_FILE is required'],
    [{ ...BASE, AMQP_URL: 'amqp://writer:brokerPW@10.1.2.3' }, 'AMQP_URL', 'plain amqp:// is allowed only to'],
    [{ ...BASE, AUDIT_MONGO_URL: '' }, 'AUDIT_MONGO_URL', 'AUDIT_MONGO_URL or AUDIT_MONGO_URL_FILE is required'],
    [{ ...BASE, AUDIT_MONGO_URL: 'mongodb://audit:mongoPW@docdb.example:27017/' }, 'AUDIT_MONGO_URL', 'tls=true is missing'],
    [{ ...BASE, AUDIT_MONGO_DATABASE: 'audit.trail' }, 'AUDIT_MONGO_DATABASE', `AUDIT_MONGO_DATABASE must be 1-63 letters, digits, '_' or '-', got "audit.trail".`],
    [{ ...PRODUCTION, AUDIT_RETENTION_DAYS: '' }, 'AUDIT_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS is required in production'],
    [{ ...PRODUCTION, AUDIT_RETENTION_DAYS: '0' }, 'AUDIT_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS must be an integer from 1 to 3653, got "0".'],
    [{ ...BASE, AUDIT_RETENTION_DAYS: '90d' }, 'AUDIT_RETENTION_DAYS', 'AUDIT_RETENTION_DAYS must be an integer from 1 to 3653, got "90d".'],
    [{ ...BASE, AUDIT_RETENTION_DAYS: '4000' }, 'AUDIT_RETENTION_DAYS', 'from 1 to 3653'],
    [{ ...BASE, PORT: '70000' }, 'PORT', 'PORT must be an integer from 0 to 65535'],
    [{ ...BASE, LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent'],
  ])('refuses %j, naming %s', (env, variable, says) => {
    const error = refusal(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(says);
    expect(error.message).not.toContain('brokerPW');
    expect(error.message).not.toContain('mongoPW');
  });
});

describe('audit writer entrypoint (runtime/src/audit-writer/main.ts)', () => {
  it('exits 78 with one sentence naming the variable, and never the URL', async () => {
    const proc = spawnEntrypoint('runtime/src/audit-writer/main.ts', { ...PRODUCTION, AUDIT_RETENTION_DAYS: 'forever' });
    expect(await proc.exited).toBe(78);
    expect(proc.stderr()).toBe('audit writer: AUDIT_RETENTION_DAYS must be an integer from 1 to 3653, got "forever".\n');
    const plain = spawnEntrypoint('runtime/src/audit-writer/main.ts', { ...PRODUCTION, AMQP_URL: 'amqp://writer:brokerPW@b-1.mq.eu-west-1.amazonaws.com' });
    expect(await plain.exited).toBe(78);
    expect(plain.stderr()).toMatch(/^audit writer: AMQP_URL must be an amqps:\/\/ URL/);
    expect(plain.stderr()).not.toContain('brokerPW');
  });
});
