/**
 * The production entrypoint, bundled to dist/runtime/server.js for the container. Every input
 * that matters must be configured explicitly (see production-config.ts); without it the process
 * exits with status 78 (EX_CONFIG) and one sentence naming the variable.
 */
import { createHmac } from 'node:crypto';
import { buildIdentityRuntime } from './app';
import { parseProductionConfig } from './config/production-config';
import { buildRuntimeKeys } from './config/runtime-keys';
import { cacheTimings } from './config/runtime-config';
import { SecretHasher } from './clients/secret-hasher';
import { ConfigError, PresetClientConflict } from './errors/operator-errors';
import { createSecurityNotifier } from './security-events/create-security-notifier';
import { AccountPseudonyms } from './sign-in-protection/account-pseudonyms';
import { closeOnSignals } from './shutdown';
import { DatabaseUrlFile } from './store/postgres/database-url-file';
import { PostgresStore } from './store/postgres/postgres-store';
import { MongoAuditTrail } from './store/audit/mongo-audit-trail';
import { MongoClient } from 'mongodb';
import { createLogger } from './support/logger';
import { provisionSmokeClient } from './tenants/smoke-client';

async function start(): Promise<void> {
  const config = parseProductionConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: 1 });

  let store: PostgresStore;
  try {
    const databaseUrlFile = config.databaseUrlFile;
    store = await PostgresStore.connect({
      ...(databaseUrlFile === undefined
        ? { connectionString: config.databaseUrl }
        : {
            connectionFile: new DatabaseUrlFile(databaseUrlFile, config.databaseUrl, (fields) =>
              // Field names only: the URL carries the password.
              logger.warn({ file: databaseUrlFile, changed: fields }, 'DATABASE_URL_FILE names another host, port, user or database than at start; new connections keep the old ones until a restart'),
            ),
          }),
      schema: config.databaseSchema,
      onPoolError: (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'),
    });
  } catch (error) {
    // The message of a pg connection error names host and port, never the password.
    throw new Error(`cannot connect to PostgreSQL at ${config.databaseUrlFile === undefined ? 'DATABASE_URL' : 'DATABASE_URL_FILE'} or migrate schema "${config.databaseSchema}": ${(error as Error).message}`);
  }

  // Production's audit read side: the DocumentDB collection the audit writer fills (issue 13 §6).
  let mongo: MongoClient | undefined;
  let auditReader: MongoAuditTrail | undefined;
  if (config.auditMongoUrl !== undefined) {
    mongo = new MongoClient(config.auditMongoUrl, { appName: 'brandstack-identity-runtime', serverSelectionTimeoutMS: 5000 });
    try {
      auditReader = await MongoAuditTrail.open(mongo.db(config.auditMongoDatabase));
    } catch (error) {
      // Tokens matter more than the audit API's read side: serve audit reads from PostgreSQL's
      // chain of record (complete, and the one verify trusts) until a restart finds DocumentDB.
      logger.error({ err: error }, 'DocumentDB unreachable at start; the audit API reads from PostgreSQL');
      await mongo.close().catch(() => undefined);
      mongo = undefined;
    }
  }

  // Issue 14: personal data under the customers' keys, signing keys under the platform key.
  const keys = buildRuntimeKeys(config.keys, config.keyEncryptionKey);
  const runtime = await buildIdentityRuntime({
    auditReader,
    store,
    sealer: keys.sealer,
    personalDataKeys: keys.personalDataKeys,
    customers: keys.customers,
    checkPlatformKey: keys.checkPlatformKey,
    insecureLocalKeys: config.keys.insecureLocalKeys,
    hasher: new SecretHasher(config.clientSecretPepper),
    platformAdminClientSecret: config.platformAdminClientSecret,
    amqpUrl: config.amqpUrl,
    logger,
    issuerBaseUrl: config.issuerBaseUrl,
    ...cacheTimings(config),
    trustedProxies: config.trustedProxies,
    // SECURITY_TOPIC_ARN unset: security events go to the log, as with npm start.
    notifier: createSecurityNotifier({ topicArn: config.securityTopicArn, logger }),
    pseudonyms: AccountPseudonyms.derivedFrom(config.clientSecretPepper),
    // Every replica must verify every other's sign-in cookies: a key of its own, derived from
    // CLIENT_SECRET_PEPPER with a fixed label (HMAC as a KDF, as for the account pseudonyms).
    cookieKey: createHmac('sha256', config.clientSecretPepper).update('brandstack/authorize/cookie-key/v2').digest(),
  });
  if (config.smokeClient) {
    const { tenant, clientId } = config.smokeClient;
    try {
      const outcome = await provisionSmokeClient(runtime.provisioning, config.smokeClient);
      logger.info({ tenant, client_id: clientId, tenant_created: outcome.tenantCreated, client_created: outcome.clientCreated }, 'smoke-test client provisioned');
    } catch (error) {
      // The tenants this runtime serves matter more than the smoke test, which reports the failure (invalid_client).
      if (!(error instanceof PresetClientConflict)) throw error;
      logger.error({ code: error.code, tenant, client_id: clientId }, error.description);
    }
  }
  const base = await runtime.listen(config.host, config.port);
  logger.info({ listening: base, issuer_base: config.issuerBaseUrl, signing_key_source: config.signingKeySource }, 'identity runtime listening (PostgreSQL store)');
  closeOnSignals(logger, async () => {
    await runtime.close();
    await store.close();
    await mongo?.close();
  });
}

start().catch((error: unknown) => {
  process.stderr.write(`identity runtime: ${error instanceof ConfigError ? error.message : `failed to start: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
