/**
 * `npm start`: the embedded identity runtime. Zero configuration: an in-memory store, keys
 * generated at start (or the demo tenant's first key from SIGNING_KEY_FILE), and a tenant
 * `demo` with one confidential client, one user (DEMO_USERNAME / DEMO_PASSWORD, or generated)
 * and one public PKCE client whose redirect URIs are DEMO_REDIRECT_URIS or, by default, the
 * demo relying party on this server (/demo/callback), which shows the tokens after sign-in.
 *
 * It also bootstraps the platform administrator: client `platform-admin` of tenant `platform`,
 * secret PLATFORM_ADMIN_CLIENT_SECRET or generated (issue 13 §1).
 *
 * stdout carries exactly one JSON line, the credentials this process generated (so a script can
 * read them); logs go to stderr and never contain secrets.
 */
import { randomBytes } from 'node:crypto';
import { buildIdentityRuntime } from './app';
import { parseEmbeddedConfig } from './config/embedded-config';
import { cacheTimings } from './config/runtime-config';
import { SecretHasher } from './clients/secret-hasher';
import { DemoFlows, demoRelyingParty } from './demo-relying-party/plugin';
import type { DemoSettings } from './demo-relying-party/plugin';
import { DEMO_SCOPE, provisionDemoSignIn } from './demo-relying-party/demo-sign-in';
import { ConfigError } from './errors/operator-errors';
import { registerClient } from './clients/client-registration';
import { PasswordPolicy } from './users/password-policy';
import { checkUsername } from './users/username';
import { PLATFORM_ADMIN_CLIENT_ID, PLATFORM_TENANT } from './identifiers/platform';
import { closeOnSignals } from './shutdown';
import { MemoryStore } from './store/memory-store';
import { PostgresStore } from './store/postgres/postgres-store';
import type { StoredClient } from './store/identity-store';
import { buildRuntimeKeys } from './config/runtime-keys';
import { developmentState } from './config/development-state';
import { createLogger } from './support/logger';

const DEMO_TENANT = 'demo';
const DEMO_RESOURCE = 'https://demo.api.brandstack.example';
const DEFAULT_DEMO_USERNAME = 'demo';

/**
 * DEMO_USERNAME, DEMO_PASSWORD and DEMO_REDIRECT_URIS, checked before the server listens by the
 * same rules the user directory and client registration apply; each error names its variable.
 */
function demoSignInConfig(env: NodeJS.ProcessEnv): { username: string; password?: string; redirectUris?: string[] } {
  const username = env.DEMO_USERNAME || DEFAULT_DEMO_USERNAME;
  const password = env.DEMO_PASSWORD || undefined;
  const list = env.DEMO_REDIRECT_URIS || undefined;
  const redirectUris = list?.split(',').map((uri) => uri.trim()).filter((uri) => uri !== '');
  try {
    checkUsername(username);
  } catch (error) {
    throw new ConfigError('DEMO_USERNAME', `DEMO_USERNAME is not accepted: ${(error as Error).message}`);
  }
  try {
    if (password !== undefined) new PasswordPolicy().check(password, { username });
  } catch (error) {
    throw new ConfigError('DEMO_PASSWORD', `DEMO_PASSWORD is not accepted: ${(error as Error).message}`);
  }
  if (redirectUris !== undefined) {
    try {
      registerClient(DEMO_TENANT, { token_endpoint_auth_method: 'none', redirect_uris: redirectUris, resources: [DEMO_RESOURCE] }, SecretHasher.ephemeral(), new Date());
    } catch (error) {
      throw new ConfigError('DEMO_REDIRECT_URIS', `DEMO_REDIRECT_URIS is not accepted: ${(error as Error).message}`);
    }
  }
  return { username, password, redirectUris };
}

async function start(): Promise<void> {
  const config = parseEmbeddedConfig(process.env);
  const demo = demoSignInConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: 2 });
  // DATABASE_URL: development mode on PostgreSQL, to see exactly what rests there (issue 14 §9);
  // what must outlive a restart (local master keys, generated secrets) lives in BRANDSTACK_STATE_DIR.
  const store = config.databaseUrl === undefined ? new MemoryStore() : await PostgresStore.connect({ connectionString: config.databaseUrl, schema: config.databaseSchema });
  const state = config.databaseUrl === undefined ? undefined : developmentState(config.stateDir);
  const generatedAdminSecret = config.platformAdminClientSecret === undefined ? (state?.platformAdminClientSecret ?? randomBytes(32).toString('base64url')) : undefined;
  const keys = buildRuntimeKeys(config.keys);

  const runtime = await buildIdentityRuntime({
    store,
    sealer: keys.sealer,
    personalDataKeys: keys.personalDataKeys,
    customers: keys.customers,
    hasher: state ? new SecretHasher(state.clientSecretPepper) : SecretHasher.ephemeral(),
    platformAdminClientSecret: config.platformAdminClientSecret ?? generatedAdminSecret!,
    // AMQP_URL set: events go to that RabbitMQ; else to the in-process bus.
    amqpUrl: config.amqpUrl,
    logger,
    issuerBaseUrl: config.issuerBaseUrl,
    ...cacheTimings(config),
    trustedProxies: config.trustedProxies,
  });

  const demoExists = (await store.findTenantProfile(DEMO_TENANT)) !== undefined;
  if (!demoExists) await runtime.provisioning.createTenant(DEMO_TENANT, { activeKey: config.signingKey, displayName: 'Demo Organisation' });
  const registration = { client_id: config.demoClientId ?? 'demo-service', scope: 'demo.read demo.write', resources: [DEMO_RESOURCE], access_token_ttl: 300 };
  let client: StoredClient;
  let secret: string | undefined;
  if (!demoExists || !(await store.findClient(DEMO_TENANT, registration.client_id))) {
    ({ client, secret } = await runtime.provisioning.createClient(DEMO_TENANT, registration, config.demoClientSecret));
  } else if (config.demoClientSecret !== undefined) {
    await runtime.provisioning.ensureClientWithSecret(DEMO_TENANT, registration, config.demoClientSecret);
    client = (await store.findClient(DEMO_TENANT, registration.client_id))!;
  } else {
    // From an earlier start: its secret was printed then and only its hash kept, so a new one.
    ({ client, secret } = await runtime.provisioning.rotateClientSecret(DEMO_TENANT, registration.client_id));
  }

  let demoSettings: DemoSettings | undefined;
  const flows = new DemoFlows();
  await runtime.app.register(demoRelyingParty, { flows, settings: () => demoSettings });

  const base = await runtime.listen(config.host, config.port);
  const issuer = runtime.issuers.issuer(DEMO_TENANT);
  const builtInRedirect = `${runtime.issuers.base}/demo/callback`;
  const redirectUris = demo.redirectUris ?? [builtInRedirect];
  const signIn = await provisionDemoSignIn(runtime, {
    tenant: DEMO_TENANT,
    username: demo.username,
    password: demo.password,
    redirectUris,
    postLogoutRedirectUris: [`${runtime.issuers.base}/demo/signed-out`],
    resource: DEMO_RESOURCE,
  });
  demoSettings = { issuer, clientId: signIn.clientId, redirectUri: builtInRedirect, postLogoutRedirectUri: `${runtime.issuers.base}/demo/signed-out`, scope: DEMO_SCOPE };
  process.stdout.write(
    `${JSON.stringify({
      issuer,
      token_endpoint: runtime.issuers.endpoint(DEMO_TENANT, 'token'),
      tenant: DEMO_TENANT,
      client_id: client.clientId,
      // Printed only when generated here; values passed in by environment are not repeated.
      ...(config.demoClientSecret === undefined ? { client_secret: secret } : {}),
      // The platform administrator: a client_credentials token from admin_issuer/token opens /admin.
      admin_issuer: runtime.issuers.issuer(PLATFORM_TENANT),
      admin_client_id: PLATFORM_ADMIN_CLIENT_ID,
      ...(generatedAdminSecret === undefined ? {} : { admin_client_secret: generatedAdminSecret }),
      public_client_id: signIn.clientId,
      redirect_uris: redirectUris,
      username: signIn.username,
      ...(demo.password === undefined ? { password: signIn.password } : {}),
      // Opens the sign-in page; after sign-in the built-in demo page shows the tokens.
      ...(demo.redirectUris === undefined ? { authorize_url: flows.authorizeUrl(demoSettings, true) } : {}),
    })}\n`,
  );
  logger.info({ issuer, listening: base, tenant: DEMO_TENANT, client_id: client.clientId, public_client_id: signIn.clientId, signing_key: config.signingKey ? 'file' : 'generated' }, 'identity runtime listening (embedded store)');
  closeOnSignals(logger, async () => {
    await runtime.close();
    await store.close();
  });
}

start().catch((error: unknown) => {
  process.stderr.write(`identity runtime: ${error instanceof ConfigError ? error.message : `failed to start: ${String(error)}`}\n`);
  process.exit(error instanceof ConfigError ? 78 : 1);
});
