import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/operator-errors';
import { InvalidCidr, TrustedProxies } from '../sign-in-protection/trusted-proxies';

/** process.env, or a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** The value, or undefined when unset or empty (an empty variable is treated as unset). */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function required(env: Env, name: string, what: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `${name} is required: ${what}.`);
  return value;
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `${name} must be an integer from ${min} to ${max}, got "${raw}".`);
  }
  return Number(raw);
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback?: T): T {
  const raw = optional(env, name);
  if (raw === undefined && fallback !== undefined) return fallback;
  if (raw === undefined || !allowed.includes(raw as T)) {
    const got = raw === undefined ? 'it is not set' : `got "${raw}"`;
    throw new ConfigError(name, `${name} must be one of ${allowed.join(', ')}; ${got}.`);
  }
  return raw as T;
}

/** Key material given as base64 (standard or url-safe); the error never echoes the value. */
export function base64Bytes(env: Env, name: string, bytes: { min: number; max?: number }, hint: string): Buffer {
  const raw = required(env, name, hint);
  const decoded = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw) ? Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64') : undefined;
  const size = bytes.max === bytes.min ? `exactly ${bytes.min}` : `at least ${bytes.min}`;
  if (!decoded || decoded.length < bytes.min || (bytes.max !== undefined && decoded.length > bytes.max)) {
    throw new ConfigError(name, `${name} must be base64 of ${size} random bytes (e.g. openssl rand -base64 ${bytes.min}).`);
  }
  return decoded;
}

/** A secret string with a minimum length; the error never echoes the value. */
export function secret(env: Env, name: string, minLength: number, what: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && value.length < minLength) {
    throw new ConfigError(name, `${name} must be at least ${minLength} characters (${what}).`);
  }
  return value;
}

/**
 * The issuer base: an absolute URL without query or fragment. RFC 8414 §2 requires https
 * issuers; plain http is accepted only when `allowHttp` says so, or for loopback hosts.
 */
export function issuerBase(env: Env, name: string, options: { required: boolean; allowHttp: boolean }): string | undefined {
  const raw = options.required ? required(env, name, 'the public https URL in front of the service, e.g. https://id.example.com') : optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `${name} must be an absolute URL, got "${raw}".`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (options.allowHttp || loopback))) {
    throw new ConfigError(name, `${name} must use https (RFC 8414 section 2), got "${raw}".`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError(name, `${name} must not contain credentials, a query or a fragment, got "${raw}".`);
  }
  return raw.replace(/\/+$/, '');
}

/**
 * Comma-separated CIDRs of the proxies whose X-Forwarded-For is believed (the ingress
 * controller's pods). Unset or empty: nobody is trusted and the socket peer is the client.
 */
export function trustedProxies(env: Env, name: string): TrustedProxies {
  const raw = optional(env, name);
  if (raw === undefined) return TrustedProxies.none;
  try {
    return TrustedProxies.parse(raw);
  } catch (error) {
    if (!(error instanceof InvalidCidr)) throw error;
    throw new ConfigError(name, `${name} must be comma-separated IPv4 or IPv6 CIDRs (e.g. 10.0.0.0/16,fd00::/64): ${error.message}.`);
  }
}

/**
 * An SNS topic ARN (https://docs.aws.amazon.com/sns/latest/api/API_Publish.html, TopicArn;
 * topic names: 1 to 256 letters, digits, hyphens and underscores, `.fifo` for FIFO topics,
 * https://docs.aws.amazon.com/sns/latest/api/API_CreateTopic.html).
 */
export function snsTopicArn(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw !== undefined && !/^arn:aws(-[a-z]+)*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/.test(raw)) {
    throw new ConfigError(name, `${name} must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>), got "${raw}".`);
  }
  return raw;
}

/**
 * A secret given inline (`NAME`) or as a file (`NAME_FILE`, a Kubernetes secret volume), at most
 * one of them; at least `minLength` characters. Errors name the variable, never echo the value.
 */
export function secretOrFile(env: Env, name: string, minLength: number, what: string): string | undefined {
  const fileVariable = `${name}_FILE`;
  const file = optional(env, fileVariable);
  if (file === undefined) return secret(env, name, minLength, what);
  if (optional(env, name) !== undefined) throw new ConfigError(fileVariable, `${fileVariable} and ${name} are both set: set exactly one.`);
  let value: string;
  try {
    value = readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError(fileVariable, `${fileVariable} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'} (${file}).`);
  }
  if (value.length < minLength) throw new ConfigError(fileVariable, `${fileVariable} must hold at least ${minLength} characters (${what}).`);
  return value;
}
