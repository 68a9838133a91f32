import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { buildIdentityRuntime } from '../../../runtime/src/app';
import type { IdentityRuntime, IdentityRuntimeOptions } from '../../../runtime/src/app';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import type { IdentityStore } from '../../../runtime/src/store/identity-store';
import { MemoryStore } from '../../../runtime/src/store/memory-store';
import type { UserStore } from '../../../runtime/src/users/user-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import type { Clock } from '../../../runtime/src/support/clock';
import { createLogger } from '../../../runtime/src/support/logger';
import { TEST_PG_URL, uniqueSchema } from './postgres';

export type StoreKind = 'memory' | 'postgres';
export const STORE_KINDS: StoreKind[] = ['memory', 'postgres'];

/** Real time plus an offset tests can grow, so third-party clients agree with it until moved. */
export class ManualClock implements Clock {
  #offsetMs = 0;
  now(): number {
    return Date.now() + this.#offsetMs;
  }
  advance(seconds: number): void {
    this.#offsetMs += seconds * 1000;
  }
}

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface Harness {
  base: string;
  runtime: IdentityRuntime;
  store: IdentityStore;
  clock: ManualClock;
  /** A platform-admin access token (client_credentials of platform-admin in tenant platform). */
  adminToken: string;
  /** The platform-admin client's secret. */
  adminSecret: string;
  /** An access token of `clientId` in `tenant` from client_credentials; for admin clients its audience is the admin API. */
  tokenFor(tenant: string, clientId: string, secret: string, resource?: string): Promise<string>;
  /** The runtime's user store (unless the options gave another). */
  userStore: UserStore;
  /** Every log line the runtime wrote. */
  logs: string[];
  /** The Postgres schema, when kind is postgres. */
  schema?: string;
  issuer(tenant: string): string;
  request(method: string, path: string, init?: { headers?: Record<string, string>; body?: string }): Promise<HttpResult>;
  /** POST a form to a tenant endpoint, e.g. form('demo', 'token', {...}, {authorization}). */
  form(tenant: string, endpoint: string, params: Record<string, string | string[]>, headers?: Record<string, string>): Promise<HttpResult>;
  admin(method: string, path: string, body?: unknown, token?: string): Promise<HttpResult>;
  createTenant(tenant: string, displayName?: string): Promise<void>;
  createClient(tenant: string, registration?: Record<string, unknown>): Promise<{ client_id: string; client_secret: string }>;
  close(): Promise<void>;
}

/** @param beforeListen registers extra routes (e.g. the demo relying party) before the server listens */
export async function startHarness(
  kind: StoreKind,
  options: Partial<IdentityRuntimeOptions> = {},
  beforeListen?: (app: IdentityRuntime['app']) => unknown,
): Promise<Harness> {
  const pg = kind === 'postgres' ? uniqueSchema() : undefined;
  const store: IdentityStore = pg ? await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema, maxConnections: 4 }) : new MemoryStore();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const clock = new ManualClock();
  const adminSecret = randomBytes(32).toString('base64url');
  const runtime = await buildIdentityRuntime({
    store,
    sealer: KeySealer.ephemeral(),
    hasher: SecretHasher.ephemeral(),
    platformAdminClientSecret: adminSecret,
    logger: createLogger({ level: 'debug', destination: sink }),
    clock,
    processMetrics: false,
    ...options,
  });
  await beforeListen?.(runtime.app);
  const base = await runtime.listen('127.0.0.1', 0);

  const request = async (method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<HttpResult> => {
    const response = await fetch(`${base}${path}`, { method, headers: init.headers, body: init.body });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  };

  const tokenFor = async (tenant: string, clientId: string, secret: string, resource?: string): Promise<string> => {
    const response = await fetch(`${base}/t/${tenant}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(clientId, secret) },
      body: `grant_type=client_credentials${resource === undefined ? '' : `&resource=${encodeURIComponent(resource)}`}`,
    });
    const body = (await response.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`token for ${clientId} in ${tenant}: ${response.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };
  const adminToken = await tokenFor('platform', 'platform-admin', adminSecret);
  // Tests move the clock past the token's lifetime; admin() then fetches a fresh one.
  let current = adminToken;
  const freshAdminToken = async (): Promise<string> => {
    const exp = (decodeJwt(current).payload as { exp: number }).exp;
    if (clock.now() / 1000 > exp - 10) current = await tokenFor('platform', 'platform-admin', adminSecret);
    return current;
  };

  const harness: Harness = {
    base,
    runtime,
    store,
    clock,
    adminToken,
    adminSecret,
    tokenFor,
    userStore: runtime.userStore,
    logs,
    schema: pg?.schema,
    issuer: (tenant) => runtime.issuers.issuer(tenant),
    request,
    form(tenant, endpoint, params, headers = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) {
        for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      }
      return request('POST', `/t/${tenant}/${endpoint}`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: body.toString(),
      });
    },
    async admin(method, path, body, token) {
      token ??= await freshAdminToken();
      return request(method, path, {
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    },
    async createTenant(tenant, displayName) {
      const result = await harness.admin('POST', '/admin/tenants', displayName === undefined ? { tenant } : { tenant, display_name: displayName });
      if (result.status !== 201) throw new Error(`creating tenant ${tenant}: ${result.status} ${result.text}`);
    },
    async createClient(tenant, registration = {}) {
      const result = await harness.admin('POST', `/admin/tenants/${tenant}/clients`, {
        scope: 'orders.read orders.write',
        resources: ['https://orders.example.com', 'https://billing.example.com'],
        ...registration,
      });
      if (result.status !== 201) throw new Error(`creating client in ${tenant}: ${result.status} ${result.text}`);
      return result.json;
    },
    async close() {
      await runtime.close();
      await store.close();
      await pg?.drop();
    },
  };
  return harness;
}

export function basic(clientId: string, secret: string): Record<string, string> {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return { authorization: `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}` };
}

/** The JWT's decoded header and payload, unverified: for assertions on what was issued. */
export function decodeJwt(token: string): { header: any; payload: any } {
  const [header, payload] = token.split('.') as [string, string];
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString()),
  };
}
