import type { Provisioning } from './provisioning';

/** The smoke-test client a deployment presets: its tenant, client id and secret (SMOKE_TENANT, SMOKE_CLIENT_ID, SMOKE_CLIENT_SECRET). */
export interface SmokeClientSpec {
  tenant: string;
  clientId: string;
  secret: string;
}

/**
 * The only resource the smoke client's tokens may name. A URN no API serves: a leaked smoke
 * token is accepted nowhere (RFC 8707 §2 requires an absolute URI; a URN is one).
 */
export const SMOKE_RESOURCE = 'urn:brandstack:smoke';

/** The shortest access-token lifetime the runtime allows (MIN_TOKEN_TTL): the smoke test verifies a token at once. */
const SMOKE_TOKEN_TTL = 60;

/** What start-up found or did. */
export interface SmokeClientOutcome {
  tenantCreated: boolean;
  clientCreated: boolean;
}

/**
 * Ensures the deployment's smoke tenant and its client_credentials client exist, with the
 * secret the deployment holds, so the pipeline's smoke test passes against a fresh database.
 * Idempotent and safe from several replicas at once. The client may request no scope and its
 * tokens name only {@link SMOKE_RESOURCE}. Throws PresetClientConflict when the client exists
 * with another secret.
 */
export async function provisionSmokeClient(provisioning: Provisioning, smoke: SmokeClientSpec): Promise<SmokeClientOutcome> {
  const tenantCreated = await provisioning.ensureTenant(smoke.tenant);
  const clientCreated = await provisioning.ensureClientWithSecret(
    smoke.tenant,
    {
      client_id: smoke.clientId,
      token_endpoint_auth_method: 'client_secret_basic',
      scope: '',
      resources: [SMOKE_RESOURCE],
      access_token_ttl: SMOKE_TOKEN_TTL,
    },
    smoke.secret,
  );
  return { tenantCreated, clientCreated };
}
