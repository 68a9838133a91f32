/**
 * `npm start`: the embedded identity runtime. Zero configuration: an in-memory store, keys
 * generated at start (or the demo tenant's first key from SIGNING_KEY_FILE), and a tenant
 * `demo` with one confidential client.
 *
 * stdout carries exactly one JSON line, the credentials this process generated (so a script can
 * read them); logs go to stderr and never contain secrets.
 */
import { randomBytes } from 'node:crypto';
import { buildIdentityRuntime } from './app';
import { parseEmbeddedConfig } from './config/embedded-config';
import { cacheTimings } from './config/runtime-config';
import { SecretHasher } from './clients/secret-hasher';
import { ConfigError } from './errors/operator-errors';
import { KeySealer } from './keys/key-sealer';
import { closeOnSignals } from './shutdown';
import { MemoryStore } from './store/memory-store';
import { createLogger } from './support/logger';

const DEMO_TENANT = 'demo';
const DEMO_RESOURCE = 'https://demo.api.brandstack.example';

async function start(): Promise<void> {
  const config = parseEmbeddedConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: 2 });
  const store = new MemoryStore();
  const generatedAdminToken = config.adminToken === undefined ? randomBytes(32).toString('base64url') : undefined;

  const runtime = await buildIdentityRuntime({
    store,
    // The in-memory store dies with the process, so per-process keys are enough.
    sealer: KeySealer.ephemeral(),
    hasher: SecretHasher.ephemeral(),
    adminToken: config.adminToken ?? generatedAdminToken!,
    logger,
    issuerBaseUrl: config.issuerBaseUrl,
    ...cacheTimings(config),
  });

  await runtime.provisioning.createTenant(DEMO_TENANT, { activeKey: config.signingKey });
  const { client, secret } = await runtime.provisioning.createClient(
    DEMO_TENANT,
    { client_id: config.demoClientId, scope: 'demo.read demo.write', resources: [DEMO_RESOURCE], access_token_ttl: 300 },
    config.demoClientSecret,
  );

  await runtime.listen(config.host, config.port);
  const issuer = runtime.issuers.issuer(DEMO_TENANT);
  process.stdout.write(
    `${JSON.stringify({
      issuer,
      token_endpoint: runtime.issuers.endpoint(DEMO_TENANT, 'token'),
      tenant: DEMO_TENANT,
      client_id: client.clientId,
      // Printed only when generated here; values passed in by environment are not repeated.
      ...(config.demoClientSecret === undefined ? { client_secret: secret } : {}),
      ...(generatedAdminToken === undefined ? {} : { admin_token: generatedAdminToken }),
    })}\n`,
  );
  logger.info({ issuer, tenant: DEMO_TENANT, client_id: client.clientId, signing_key: config.signingKey ? 'file' : 'generated' }, 'identity runtime listening (embedded store)');
  closeOnSignals(logger, () => runtime.close());
}

start().catch((error: unknown) => {
  process.stderr.write(`identity runtime: ${error instanceof ConfigError ? error.message : `failed to start: ${String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
