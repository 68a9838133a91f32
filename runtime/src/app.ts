import { randomBytes } from 'node:crypto';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AdminAuthenticator } from './admin/admin-authenticator';
import { adminApi } from './admin/plugin';
import type { AuditTrail } from './audit/audit-trail';
import { AmqpEventPublisher } from './events/amqp-event-publisher';
import type { EventPublisher } from './events/event-publisher';
import { InProcessEventBus } from './events/in-process-event-bus';
import { OutboxRelay } from './events/outbox-relay';
import { ADMIN_AUDIENCE, PLATFORM_ADMIN_CLIENT_ID, PLATFORM_TENANT } from './identifiers/platform';
import { OutboxSecurityNotifier } from './security-events/outbox-security-notifier';
import { securityEventFromEnvelope } from './security-events/security-envelope';
import { startSecurityNotifications } from './security-events/security-event-consumer';
import { resolvedSignInPolicy } from './sign-in-protection/sign-in-policy';
import { authorizeRoutes } from './authorize/plugin';
import { SignedCookies } from './authorize/signed-cookies';
import { ClientAuthenticator } from './clients/client-authenticator';
import { ClientDirectory } from './clients/client-directory';
import { answerFrameworkError } from './errors/framework-errors';
import type { SecretHasher } from './clients/secret-hasher';
import { KeyRotation } from './keys/key-rotation';
import type { SigningKeySealer } from './keys/signing-key-sealer';
import { TenantKeyring } from './keys/tenant-keyring';
import { operationsRoutes } from './operations/plugin';
import { createSecurityNotifier } from './security-events/create-security-notifier';
import type { SecurityNotifier } from './security-events/security-notifier';
import { AccountPseudonyms } from './sign-in-protection/account-pseudonyms';
import { clientIp } from './sign-in-protection/client-ip';
import type { SignInAttemptStore } from './sign-in-protection/sign-in-attempt-store';
import type { SignInGuard } from './sign-in-protection/sign-in-guard';
import { createSignInProtection } from './sign-in-protection/create-sign-in-protection';
import type { SignInPolicy } from './sign-in-protection/sign-in-policy';
import { TrustedProxies } from './sign-in-protection/trusted-proxies';
import type { IdentityStore } from './store/identity-store';
import { attemptStoreFor } from './store/sign-in-attempts/attempt-store-for';
import { userStoreFor } from './store/users/user-store-for';
import { systemClock } from './support/clock';
import type { Clock } from './support/clock';
import { coerceQueryIntegers } from './support/query-integers';
import { RuntimeMetrics } from './support/runtime-metrics';
import { IssuerUrls } from './tenants/issuer-urls';
import { Customers, Provisioning } from './tenants/provisioning';
import { TenantNotFound } from './errors/resource-errors';
import { TenantWithoutCustomer } from './errors/personal-data-errors';
import { DataKeyCache } from './key-providers/data-key-cache';
import type { EncryptionContext, KeyProvider } from './key-providers/key-provider';
import { LocalKeyProvider } from './key-providers/local-key-provider';
import type { CustomerKey } from './personal-data/customer-keys';
import { CustomerMove } from './customer-move/customer-move';
import { TenantProfiles } from './tenants/tenant-profiles';
import { tokenService } from './token-service/plugin';
import { PasswordHasher } from './users/password-hasher';
import { UserDirectory } from './users/user-directory';
import type { UserStore } from './users/user-store';

export interface IdentityRuntimeOptions {
  store: IdentityStore;
  /** Seals private signing keys and attests public ones (SIGNING_KEY_SEAL: EnvelopeKeySealer; KeySealer for npm start and tests). */
  sealer: SigningKeySealer;
  /** Keyed hash of client secrets (CLIENT_SECRET_PEPPER). */
  hasher: SecretHasher;
  /**
   * The secret of the bootstrap client `platform-admin` in tenant `platform`
   * (PLATFORM_ADMIN_CLIENT_SECRET): both are ensured at start, so admin tokens can be had at once.
   * @default no bootstrap: the platform tenant and its clients must already exist
   */
  platformAdminClientSecret?: string;
  logger: Logger;
  /**
   * Where the event relay publishes the outbox: RabbitMQ at this URL (amqps://, or amqp:// to
   * loopback: parseAmqpUrl), with `amqpSocketOptions` (a CA bundle).
   * @default the in-process bus (InProcessEventBus), whose `security.#` subscriber is the notifier
   */
  amqpUrl?: string;
  amqpSocketOptions?: Record<string, unknown>;
  /** The topic exchange events are published to. @default 'brandstack.events' */
  amqpExchange?: string;
  /** The notifier consumer's queue. @default 'brandstack.security-notifier' */
  securityQueue?: string;
  /** Where the audit API reads. @default the store's chain (store.journal.trail); production: MongoDB (MongoAuditTrail) */
  auditReader?: AuditTrail;
  /** How often the relay polls the outbox besides being woken on commit. @default 1000 */
  relayPollIntervalMs?: number;
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
  /** End users. @default sealed users (personal data encrypted) beside the store: PostgreSQL for a PostgresStore, else memory */
  userStore?: UserStore;
  /**
   * Data keys of personal data (PII_KEY_PROVIDER), behind the bounded cache.
   * @default process-held AES-256 master keys (LocalKeyProvider.ephemeral), gone with the process
   */
  personalDataKeys?: KeyProvider & { forgetWhere?(predicate: (context: EncryptionContext) => boolean): void };
  /** The brand's id and customers (BRANDSTACK_BRAND, BRANDSTACK_CUSTOMERS). @default brand `local`, any customer */
  customers?: Customers;
  /** Readiness also checks the platform key (RuntimeKeys.checkPlatformKey). */
  checkPlatformKey?: () => Promise<void>;
  /** Local keys accepted in production (ALLOW_INSECURE_LOCAL_KEYS=1): a warning at start and in /healthz/ready. */
  insecureLocalKeys?: boolean;
  /** Sign-in attempt counters, shared by every replica. @default as userStore */
  signInAttempts?: SignInAttemptStore;
  /**
   * Where IP blocks are finally delivered. The guard itself writes them to the outbox as
   * `security.*` events; with the in-process bus they reach this notifier through it, with
   * RabbitMQ through the notifier consumer (startSecurityNotifications, see server.ts).
   * @default one JSON log line per block (LogSecurityNotifier)
   */
  notifier?: SecurityNotifier;
  /** Proxies whose X-Forwarded-For is believed (TRUSTED_PROXY_CIDRS). @default none: the socket peer is the client */
  trustedProxies?: TrustedProxies;
  /** Brute-force protection per tenant. @default DEFAULT_SIGN_IN_POLICY for every tenant */
  signInPolicyFor?: (tenantId: string) => SignInPolicy;
  /** argon2id. @default OWASP's parameters (m = 19 MiB, t = 2, p = 1) */
  passwordHasher?: PasswordHasher;
  /** Keyed hashes of usernames and client ids in counters and logs. @default a per-process key */
  pseudonyms?: AccountPseudonyms;
  /**
   * Signs the sign-in and session cookies; every replica needs the same key.
   * @default a per-process random key: sessions then end with the process and work on one replica only
   */
  cookieKey?: Buffer;
  /** How long a sign-in lets later authorization requests skip the page. @default 28800 (8 hours) */
  sessionSeconds?: number;
  /** Absolute lifetime of a user's grant and so of its refresh tokens (RFC 9700 §4.14.2). @default 1209600 (14 days) */
  grantSeconds?: number;
}

export interface IdentityRuntime {
  readonly app: FastifyInstance;
  readonly provisioning: Provisioning;
  readonly rotation: KeyRotation;
  readonly issuers: IssuerUrls;
  readonly metrics: RuntimeMetrics;
  /** The tenants' end users. */
  readonly users: UserDirectory;
  /** The user store under the directory (sealed records underneath). */
  readonly userStore: UserStore;
  readonly guard: SignInGuard;
  /** The outbox relay: how many events it published. */
  readonly relay: OutboxRelay;
  /** The in-process bus, when no AMQP URL was given; tests subscribe to it. */
  readonly bus: InProcessEventBus | undefined;
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

  const keyring = new TenantKeyring({
    store,
    sealer,
    clock,
    cacheSeconds: keyCacheSeconds,
    onStaleServed,
    onRejectedKey: (tenant, kid, why) => logger.error({ event: 'signing_key.rejected', tenant, kid, why }, 'a signing key was left out of the JWKS'),
  });
  const clients = new ClientDirectory({
    store,
    clock,
    cacheSeconds: options.clientCacheSeconds ?? 30,
    onStaleServed,
    sealer,
    onRejectedJwks: (tenant, clientId) => logger.error({ event: 'client_jwks.rejected', tenant, client_id: clientId }, "a client's registered JWKS failed its attestation and is not used"),
  });
  const authenticator = new ClientAuthenticator({ clients, hasher, store, clock });
  const rotation = new KeyRotation({
    store,
    sealer,
    keyring,
    clock,
    policy: { publicationDelaySeconds: options.publicationDelaySeconds ?? jwksMaxAgeSeconds + keyCacheSeconds, keyCacheSeconds },
  });
  const customers = options.customers ?? new Customers('local');
  const provisioning = new Provisioning({ store, hasher, clients, keyring, rotation, clock, customers, sealer });
  const tenantProfiles = new TenantProfiles({ store, clock, cacheSeconds: options.clientCacheSeconds ?? 30 });

  // Personal data (issue 14): sealed under per-user data keys from each tenant's customer key.
  const personalDataKeys = options.personalDataKeys ?? new DataKeyCache(LocalKeyProvider.ephemeral());
  const customerKeyOf = async (tenantId: string, lookup: { fresh?: boolean } = {}): Promise<CustomerKey> => {
    if (lookup.fresh) tenantProfiles.forget(tenantId);
    const tenant = await tenantProfiles.get(tenantId);
    if (!tenant) throw new TenantNotFound(tenantId);
    const moving = tenant.move ? { customer: tenant.move.customer, keyRef: tenant.move.kmsKeyAlias } : undefined;
    if (tenant.customer !== null && tenant.kmsKeyAlias !== null) return { customer: tenant.customer, keyRef: tenant.kmsKeyAlias, moving };
    // With process-held keys (npm start, tests), a tenant bound to no customer is its own customer.
    if (personalDataKeys.name === 'local') return { customer: tenantId, keyRef: customers.keyAlias(tenantId), moving };
    throw new TenantWithoutCustomer(tenantId);
  };
  const sealedUsers = userStoreFor(store, { keys: personalDataKeys, customerKeyOf });
  const userStore = options.userStore ?? sealedUsers;
  const customerMove = new CustomerMove({ store, records: sealedUsers.records, keys: personalDataKeys, customers, onChanged: (tenantId) => tenantProfiles.forget(tenantId) });
  const users = new UserDirectory({ store: userStore, hasher: options.passwordHasher ?? new PasswordHasher(), clock });
  const notifier = options.notifier ?? createSecurityNotifier({ logger });

  // The event backbone (issue 13 §5): the relay publishes the store's outbox to RabbitMQ, or to
  // the in-process bus, whose security subscriber hands blocks to the notifier.
  const bus = options.amqpUrl === undefined ? new InProcessEventBus() : undefined;
  bus?.subscribe('security.#', async (envelope) => notifier.notify(securityEventFromEnvelope(envelope)));
  // With RabbitMQ, the notifier consumer (one queue shared by the replicas) delivers them.
  const notifications =
    options.amqpUrl === undefined
      ? undefined
      : startSecurityNotifications({ url: options.amqpUrl, notifier, logger, socketOptions: options.amqpSocketOptions, exchange: options.amqpExchange, queue: options.securityQueue });
  const publisher: EventPublisher = bus ?? new AmqpEventPublisher({ url: options.amqpUrl!, logger, socketOptions: options.amqpSocketOptions, exchange: options.amqpExchange });
  const relay = new OutboxRelay({ source: store.journal.outbox, publisher, logger, pollIntervalMs: options.relayPollIntervalMs });

  const guard = createSignInProtection({
    store: options.signInAttempts ?? attemptStoreFor(store),
    clock,
    notifier: new OutboxSecurityNotifier(store.journal, logger),
    // The tenant's overrides set through the admin API, over the operator's defaults.
    policy:
      options.signInPolicyFor ??
      (async (tenantId) => resolvedSignInPolicy(tenantId, (await tenantProfiles.get(tenantId).catch(() => undefined))?.signInPolicy ?? {})),
    logger,
  });
  const pseudonyms = options.pseudonyms ?? AccountPseudonyms.ephemeral();
  const trustedProxies = options.trustedProxies ?? TrustedProxies.none;
  const clientIpOf = (request: FastifyRequest) => clientIp(request.socket.remoteAddress ?? '', request.headers['x-forwarded-for'], trustedProxies);

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
    // ...and answered in the OAuth error shape, not Fastify's (errors/framework-errors.ts).
    frameworkErrors: answerFrameworkError,
    // Reject what the schemas do not allow instead of silently dropping or coercing it: an admin
    // request with a misspelt field must fail, not create something else than was asked for.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  app.addHook('preValidation', coerceQueryIntegers);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: 'not_found', error_description: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(tokenService, {
    store,
    keyring,
    authenticator,
    clients,
    issuers,
    metrics,
    clock,
    bodyLimitBytes: options.bodyLimitBytes ?? 16 * 1024,
    jwksMaxAgeSeconds,
    users: userStore,
    guard,
    pseudonyms,
    clientIpOf,
  });
  await app.register(authorizeRoutes, {
    store,
    keyring,
    clients,
    users,
    guard,
    pseudonyms,
    clientIpOf,
    issuers,
    clock,
    cookies: new SignedCookies(options.cookieKey ?? randomBytes(32)),
    sessionSeconds: options.sessionSeconds ?? 8 * 60 * 60,
    grantSeconds: options.grantSeconds ?? 14 * 24 * 60 * 60,
    tenantProfiles,
  });
  await app.register(adminApi, {
    authenticator: new AdminAuthenticator({ keyring, clients, users, store, issuers, clock }),
    clientIpOf,
    provisioning,
    rotation,
    store,
    issuers,
    users,
    auditReader: options.auditReader ?? store.journal.trail,
    customerMove,
    onTenantChanged: (tenantId) => {
      tenantProfiles.forget(tenantId);
      keyring.invalidate(tenantId);
    },
  });
  await app.register(operationsRoutes, { store, keyring, metrics, checkPlatformKey: options.checkPlatformKey, insecureLocalKeys: options.insecureLocalKeys });

  if (options.insecureLocalKeys) {
    logger.warn({ event: 'keys.insecure_local' }, 'ALLOW_INSECURE_LOCAL_KEYS=1: personal data or signing keys are under local master keys, not KMS');
  }
  // Keys from before issue 14 get their attestations (the migration path), then the platform admin.
  const attested = await rotation.attestUnattested((tenant, kid) => logger.error({ event: 'signing_key.not_attested', tenant, kid }, 'a signing key whose private half is not its public JWK was not attested'));
  if (attested > 0) logger.warn({ event: 'signing_key.attested', keys: attested }, 'signing keys from before issue 14 attested');
  const attestedClients = await provisioning.attestUnattestedClients();
  if (attestedClients > 0) logger.warn({ event: 'client_jwks.attested', clients: attestedClients }, 'client JWKS from before issue 14 attested');
  if (options.platformAdminClientSecret !== undefined) await bootstrapPlatformAdmin(provisioning, options.platformAdminClientSecret);
  await relay.start();

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
    users,
    userStore,
    guard,
    relay,
    bus,
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
      // After the last request: what they wrote to the outbox is published now or by the next start.
      await relay.close();
      await notifications?.close();
    },
  };
}

/**
 * Ensures tenant `platform` and its client `platform-admin` with `platform:admin` and the admin
 * audience, from PLATFORM_ADMIN_CLIENT_SECRET. Every replica runs it at start; a concurrent
 * creation counts as present. A stored client with another secret is refused
 * (PresetClientConflict): the runtime never replaces a credential on its own.
 */
async function bootstrapPlatformAdmin(provisioning: Provisioning, secret: string): Promise<void> {
  await provisioning.ensureTenant(PLATFORM_TENANT);
  await provisioning.ensureClientWithSecret(
    PLATFORM_TENANT,
    {
      client_id: PLATFORM_ADMIN_CLIENT_ID,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      resources: [ADMIN_AUDIENCE],
      authorities: ['platform:admin'],
    },
    secret,
  );
}
