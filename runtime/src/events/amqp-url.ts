import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError } from '../errors/operator-errors';

type Env = Record<string, string | undefined>;

export interface AmqpUrlConfig {
  url: string;
  /** The variable it came from: AMQP_URL or AMQP_URL_FILE. */
  variable: 'AMQP_URL' | 'AMQP_URL_FILE';
}

/**
 * AMQP_URL, or AMQP_URL_FILE (a file holding it: External Secrets writes it from the Amazon MQ
 * broker secret). Neither set: undefined (no broker; the embedded bus). Both set: an error.
 *
 * The URL must be `amqps://`: Amazon MQ for RabbitMQ listens for AMQP only on 5671, with TLS
 * ("all connections use TLS encryption",
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/working-with-rabbitmq.html#rabbitmq-broker-listeners),
 * so a plain URL to it is a misconfiguration, and to anything else an unencrypted hop.
 * Plain `amqp://` is accepted only to a loopback host (127.0.0.0/8, ::1, localhost): a local
 * RabbitMQ for `npm start` and the tests, where nothing crosses a network.
 * Errors never echo the URL: it carries the broker password.
 */
export function parseAmqpUrl(env: Env): AmqpUrlConfig | undefined {
  const inline = nonEmpty(env.AMQP_URL);
  const file = nonEmpty(env.AMQP_URL_FILE);
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('AMQP_URL_FILE', 'AMQP_URL_FILE and AMQP_URL are both set: set exactly one.');
  }
  if (inline === undefined && file === undefined) return undefined;
  const variable = file === undefined ? 'AMQP_URL' : 'AMQP_URL_FILE';
  let raw = inline;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(variable, `AMQP_URL_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'} (${file}).`);
    }
  }
  const what = variable === 'AMQP_URL' ? 'AMQP_URL must be' : 'AMQP_URL_FILE must hold';
  let parsed: URL;
  try {
    parsed = new URL(raw!);
  } catch {
    throw new ConfigError(variable, `${what} an amqps:// URL (amqp:// only to 127.0.0.1, ::1 or localhost); it is not a URL.`);
  }
  if (parsed.protocol === 'amqps:') return { url: raw!, variable };
  if (parsed.protocol === 'amqp:') {
    if (isLoopback(parsed.hostname)) return { url: raw!, variable };
    throw new ConfigError(variable, `${what} an amqps:// URL: plain amqp:// is allowed only to 127.0.0.1, ::1 or localhost, not to ${parsed.hostname}.`);
  }
  throw new ConfigError(variable, `${what} an amqps:// URL (amqp:// only to 127.0.0.1, ::1 or localhost), not ${parsed.protocol}//.`);
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
