import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAmqpUrl } from '../../../runtime/src/events/amqp-url';
import { ConfigError } from '../../../runtime/src/errors/operator-errors';

function refusal(env: Record<string, string>): ConfigError {
  try {
    parseAmqpUrl(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

test('no broker configured: undefined (the embedded bus)', () => {
  expect(parseAmqpUrl({})).toBeUndefined();
  expect(parseAmqpUrl({ AMQP_URL: '  ' })).toBeUndefined();
});

test.each(['amqps://user:pw@b-1234.mq.eu-west-1.amazonaws.com:5671', 'amqps://broker.internal'])('accepts %s', (url) => {
  expect(parseAmqpUrl({ AMQP_URL: url })).toEqual({ url, variable: 'AMQP_URL' });
});

test.each(['amqp://guest:guest@127.0.0.1:5672', 'amqp://127.0.0.2', 'amqp://localhost:5672', 'amqp://[::1]:5672'])('accepts plain amqp:// to loopback: %s', (url) => {
  expect(parseAmqpUrl({ AMQP_URL: url })?.url).toBe(url);
});

test.each([
  ['amqp://guest:secretpw@10.0.0.5:5672', 'not to 10.0.0.5'],
  ['amqp://user:secretpw@b-1.mq.eu-west-1.amazonaws.com', 'not to b-1.mq.eu-west-1.amazonaws.com'],
  ['amqp://user:secretpw@127.0.0.1.evil.example', 'not to 127.0.0.1.evil.example'],
  ['https://user:secretpw@broker', 'not https://'],
  ['not a url secretpw', 'it is not a URL'],
])('refuses %s, naming AMQP_URL and never echoing the password', (url, says) => {
  const error = refusal({ AMQP_URL: url });
  expect(error.variable).toBe('AMQP_URL');
  expect(error.message).toContain('AMQP_URL must be an amqps:// URL');
  expect(error.message).toContain(says);
  expect(error.message).not.toContain('secretpw');
});

test('AMQP_URL_FILE: read from the file, checked the same way, errors name AMQP_URL_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amqp-url-'));
  const good = join(dir, 'good');
  writeFileSync(good, 'amqps://u:p@broker.example:5671\n');
  expect(parseAmqpUrl({ AMQP_URL_FILE: good })).toEqual({ url: 'amqps://u:p@broker.example:5671', variable: 'AMQP_URL_FILE' });

  const plain = join(dir, 'plain');
  writeFileSync(plain, 'amqp://u:secretpw@broker.example');
  const error = refusal({ AMQP_URL_FILE: plain });
  expect(error.variable).toBe('AMQP_URL_FILE');
  expect(error.message).toContain('AMQP_URL_FILE must hold an amqps:// URL');
  expect(error.message).not.toContain('secretpw');

  const missing = refusal({ AMQP_URL_FILE: join(dir, 'absent') });
  expect(missing.variable).toBe('AMQP_URL_FILE');
  expect(missing.message).toContain('ENOENT');
});

test('both AMQP_URL and AMQP_URL_FILE: refused', () => {
  const error = refusal({ AMQP_URL: 'amqps://a', AMQP_URL_FILE: '/x' });
  expect(error.variable).toBe('AMQP_URL_FILE');
  expect(error.message).toContain('set exactly one');
});
