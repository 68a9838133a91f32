import { accessSync, constants, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { ConfigError } from '../errors/operator-errors';
import type { Env } from './env';

export interface MongoUrlConfig {
  url: string;
  /** The variable it came from: `<NAME>` or `<NAME>_FILE`. */
  variable: string;
  /** The hosts of the seed list (or the SRV name), lower-case, without ports. */
  hosts: string[];
  /** Whether the URL asks for TLS (`tls=true` / `ssl=true`, or `mongodb+srv://`, whose default it is). */
  tls: boolean;
}

/** Options that switch certificate or host-name verification off: a weaker TLS nobody may ask for by URL. */
const INSECURE_TLS_OPTIONS = ['tlsinsecure', 'tlsallowinvalidcertificates', 'tlsallowinvalidhostnames'];

/**
 * `<name>` (e.g. AUDIT_MONGO_URL), or `<name>_FILE`, a file holding it (External Secrets writes it
 * from the DocumentDB cluster's credentials secret; a file because those credentials rotate).
 * Neither set: undefined. Both set: an error.
 *
 * The URL must ask for TLS (`tls=true`, or `mongodb+srv://`, where TLS is the default) unless
 * every host is loopback (a local MongoDB for development and the tests). Amazon DocumentDB
 * clusters run with TLS required (DocumentDbCluster's `tls=enabled`), and AWS's connection
 * string for them is `tls=true&tlsCAFile=global-bundle.pem&replicaSet=rs0&readPreference=
 * secondaryPreferred&retryWrites=false`
 * (https://docs.aws.amazon.com/documentdb/latest/developerguide/connect_programmatically.html).
 * Options that disable certificate or host-name checks are refused for any host but loopback,
 * and a `tlsCAFile` must be readable, so a missing CA bundle fails at start, naming the variable.
 * Errors never echo the URL: it carries the password.
 */
export function parseMongoUrl(env: Env, name: string): MongoUrlConfig | undefined {
  const fileVariable = `${name}_FILE`;
  const inline = nonEmpty(env[name]);
  const file = nonEmpty(env[fileVariable]);
  if (inline !== undefined && file !== undefined) throw new ConfigError(fileVariable, `${fileVariable} and ${name} are both set: set exactly one.`);
  if (inline === undefined && file === undefined) return undefined;
  const variable = file === undefined ? name : fileVariable;
  let raw = inline!;
  if (file !== undefined) {
    try {
      raw = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(variable, `${fileVariable} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'} (${file}).`);
    }
  }
  const what = variable === name ? `${name} must be` : `${fileVariable} must hold`;
  const refuse = (why: string): never => {
    throw new ConfigError(variable, `${what} a mongodb:// or mongodb+srv:// URL with tls=true (plain only to 127.0.0.1, ::1 or localhost); ${why}.`);
  };

  const scheme = /^(mongodb|mongodb\+srv):\/\//i.exec(raw);
  if (!scheme) refuse('it does not start with mongodb:// or mongodb+srv://');
  const srv = scheme![1]!.toLowerCase() === 'mongodb+srv';
  const rest = raw.slice(scheme![0].length);
  const authorityEnd = rest.search(/[/?]/);
  const authority = authorityEnd === -1 ? rest : rest.slice(0, authorityEnd);
  const afterAuthority = authorityEnd === -1 ? '' : rest.slice(authorityEnd);
  const hostList = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostList === '') refuse('it names no host');
  const hosts = hostList.split(',').map((entry) => hostOf(entry) ?? refuse('a host is not host[:port] with a port of 1-65535'));
  if (srv && hosts.length !== 1) refuse('a mongodb+srv:// URL names exactly one host');

  const queryStart = afterAuthority.indexOf('?');
  const query = new URLSearchParams(queryStart === -1 ? '' : afterAuthority.slice(queryStart + 1));
  // MongoDB URI options are case-insensitive (https://www.mongodb.com/docs/manual/reference/connection-string-options/).
  const option = (key: string): string[] => [...query].filter(([k]) => k.toLowerCase() === key).map(([, v]) => v.toLowerCase());
  const tlsValues = [...option('tls'), ...option('ssl')];
  if (tlsValues.some((value) => value !== 'true' && value !== 'false')) refuse('tls (or ssl) is neither true nor false');
  if (new Set(tlsValues).size > 1) refuse('tls and ssl contradict each other');
  const tls = tlsValues.length > 0 ? tlsValues[0] === 'true' : srv;
  const loopback = hosts.every(isLoopback);
  if (!tls && !loopback) refuse(`tls=true is missing, and ${hosts.find((h) => !isLoopback(h))} is not loopback`);
  if (!loopback) {
    const insecure = INSECURE_TLS_OPTIONS.find((key) => option(key).some((value) => value !== 'false'));
    if (insecure !== undefined) refuse(`${[...query].find(([k]) => k.toLowerCase() === insecure)![0]} switches certificate checks off`);
  }
  const caFiles = [...query].filter(([k]) => k.toLowerCase() === 'tlscafile').map(([, v]) => v);
  for (const caFile of caFiles) {
    try {
      accessSync(caFile, constants.R_OK);
    } catch (error) {
      throw new ConfigError(variable, `${what} a URL whose tlsCAFile is readable; ${caFile} is not (${(error as NodeJS.ErrnoException).code ?? 'unknown error'}).`);
    }
  }
  return { url: raw, variable, hosts, tls };
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, lower-cased, or undefined when malformed. */
function hostOf(entry: string): string | undefined {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/@[\]]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match) return undefined;
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65_535)) return undefined;
  return match[1]!.replace(/^\[|\]$/g, '').toLowerCase();
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
