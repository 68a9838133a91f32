import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { AdminCredential } from './admin/admin-credential';
import { adminApi } from './admin/plugin';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientDirectory } from './clients/client-directory';
import type { SecretHasher } from './clients/secret-hasher';
import { KeyRotation } from './keys/key-rotation';
import type { KeySealer } from './keys/key-sealer';
import { TenantKeyring } from './keys/tenant-keyring';
import { operationsRoutes } from './operations/plugin';
import type { IdentityStore } from './store/identity-store';
import { systemClock } from './support/clock';
import type { Clock } from './support/clock';
import { RuntimeMetrics } from './support/runtime-metrics';
import { IssuerUrls } from './tenants/issuer-urls';
import { Provisioning } from './tenants/provisioning';
import { tokenService } from './token-service/plugin';

export interface IdentityRuntimeOptions {
  store: IdentityStore;
  /** Encrypts private signing keys at rest (KEY_ENCRYPTION_KEY). */
  sealer: KeySealer;
  /** Keyed hash of client secrets (CLIENT_SECRET_PEPPER). */
  hasher: SecretHasher;
  /** Guards /admin. */
  adminToken: string;
  logger: Logger;
  /** `<base>` of every issuer `<base>/t/<tenant>`. @default http://<host>:<port> once listening */
  issuerBaseUrl?: string;
  /** @default the system clock */
  clock?: Clock;
  /** How long tenant keys are cached per instance. @default 10 */
  keyCacheSeconds?: number;
  /** How long client records are cached per instance. @default 30 */
  clientCacheSeconds?: number;
  /** Cache-Control max-age of JWKS and metadata. @default 60 */
  jwksMaxAgeSeconds?: number;
  /** How long a key is published before it may sign. @default jwksMaxAgeSeconds + keyCacheSeconds */
  publicationDelaySeconds?: number;
  /** Largest OAuth request body. @default 16384 */
  bodyLimitBytes?: number;
  /** How often expired revocations, assertion ids and retired keys are purged. @default 60 */
  purgeIntervalSeconds?: number;
  /** Collect Node process metrics (event loop, GC, memory). @default true */
  processMetrics?: boolean;
}

export interface IdentityRuntime {
  readonly app: FastifyInstance;
  readonly provisioning: Provisioning;
  readonly rotation: KeyRotation;
  readonly issuers: IssuerUrls;
  readonly metrics: RuntimeMetrics;
  /** Listens and returns the base URL; sets the issuer base from the address if none was configured. */
  listen(host: string, port: number): Promise<string>;
  /** Stops accepting requests, finishes in-flight ones, stops maintenance. Does not close the store. */
  close(): Promise<void>;
}

/**
 * Composes the identity runtime: stores and keys in, a Fastify app with the token service, the
 * admin API and operations routes out. Entrypoints (main.ts, server.ts) and tests differ only in
 * the options they pass.
 */
export async function buildIdentityRuntime(options: IdentityRuntimeOptions): Promise<IdentityRuntime> {
  const clock = options.clock ?? systemClock;
  const keyCacheSeconds = options.keyCacheSeconds ?? 10;
  const jwksMaxAgeSeconds = options.jwksMaxAgeSeconds ?? 60;
  const { store, sealer, hasher, logger } = options;
  const issuers = new IssuerUrls(options.issuerBaseUrl);
  const metrics = new RuntimeMetrics({ processMetrics: options.processMetrics });
  const onStaleServed = (error: unknown) => logger.warn({ err: error }, 'store unavailable; serving cached keys and clients');

  const keyring = new TenantKeyring({ store, sealer, clock, cacheSeconds: keyCacheSeconds, onStaleServed });
  const clients = new ClientDirectory({ store, clock, cacheSeconds: options.clientCacheSeconds ?? 30, onStaleServed });
  const authenticator = new ClientAuthenticator({ clients, hasher, store, clock });
  const rotation = new KeyRotation({
    store,
    sealer,
    keyring,
    clock,
    policy: { publicationDelaySeconds: options.publicationDelaySeconds ?? jwksMaxAgeSeconds + keyCacheSeconds, keyCacheSeconds },
  });
  const provisioning = new Provisioning({ store, hasher, clients, keyring, rotation, clock });

  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Per-request log lines would cost throughput and add nothing the metrics don't show;
    // failures and admin events are logged explicitly, without secrets.
    logController: new LogController({ disableRequestLogging: true }),
    // No per-request child logger: creating one serialises and redacts its bindings on every
    // request, measurable next to a ~0.75 ms token. Each line we log is self-contained instead
    // (tenant, endpoint, client_id, reason), as there is at most one per request.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 64 * 1024,
    // Client ids and tenant ids are short; long path parameters are attacks.
    routerOptions: { maxParamLength: 128 },
    // Reject what the schemas do not allow instead of silently dropping or coercing it: an admin
    // request with a misspelt field must fail, not create something else than was asked for.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', error_description: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(tokenService, {
    store,
    keyring,
    authenticator,
    issuers,
    metrics,
    clock,
    bodyLimitBytes: options.bodyLimitBytes ?? 16 * 1024,
    jwksMaxAgeSeconds,
  });
  await app.register(adminApi, { credential: new AdminCredential(options.adminToken), provisioning, rotation, store, issuers });
  await app.register(operationsRoutes, { store, keyring, metrics });

  const purgeEvery = (options.purgeIntervalSeconds ?? 60) * 1000;
  const purge = setInterval(() => {
    store.purgeExpired(new Date(clock.now())).catch((error: unknown) => logger.warn({ err: error }, 'purging expired records failed'));
  }, purgeEvery);
  purge.unref();

  return {
    app,
    provisioning,
    rotation,
    issuers,
    metrics,
    async listen(host, port) {
      await app.listen({ host, port });
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const base = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
      if (!issuers.configured) issuers.base = base;
      return base;
    },
    async close() {
      clearInterval(purge);
      await app.close();
    },
  };
}
