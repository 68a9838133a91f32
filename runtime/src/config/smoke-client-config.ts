import { CLIENT_ID } from '../clients/client-registration';
import { ConfigError } from '../errors/operator-errors';
import type { SmokeClientSpec } from '../tenants/smoke-client';
import { TENANT_ID } from '../identifiers/tenant-id';
import { optional } from './env';
import type { Env } from './env';

/**
 * The smoke-test client the production runtime keeps provisioned, so a pipeline smoke test
 * passes against a fresh database: its tenant, its client id and its secret. The deployment
 * delivers all three from one Secrets Manager secret (lib/constructs/cluster/smoke-client.ts).
 */
export type SmokeClientConfig = SmokeClientSpec;

/** The environment variables, all three or none. */
export const SMOKE_CLIENT_VARIABLES = ['SMOKE_TENANT', 'SMOKE_CLIENT_ID', 'SMOKE_CLIENT_SECRET'] as const;

/** The members of the Secrets Manager secret the variables are read from. */
export const SMOKE_CLIENT_FIELDS = { tenant: 'tenant', clientId: 'client_id', clientSecret: 'client_secret' } as const;

/**
 * A preset secret is never shown to anyone but the pipeline, yet it guards a token endpoint:
 * at least 32 characters (Secrets Manager generates 64 letters and digits, about 380 bits).
 */
export const MIN_SMOKE_CLIENT_SECRET_LENGTH = 32;

/** Undefined when none of the three is set; ConfigError (one sentence naming the variable) otherwise. Never echoes the secret. */
export function parseSmokeClientConfig(env: Env): SmokeClientConfig | undefined {
  const [tenant, clientId, secret] = SMOKE_CLIENT_VARIABLES.map((name) => optional(env, name));
  const missing = SMOKE_CLIENT_VARIABLES.filter((name) => optional(env, name) === undefined);
  if (missing.length === SMOKE_CLIENT_VARIABLES.length) return undefined;
  if (missing.length > 0) {
    throw new ConfigError(missing[0]!, `${missing[0]} is required when any of ${SMOKE_CLIENT_VARIABLES.join(', ')} is set: the smoke-test client needs all three.`);
  }
  if (!TENANT_ID.test(tenant!)) throw new ConfigError('SMOKE_TENANT', `SMOKE_TENANT must be a tenant id matching ${TENANT_ID}, got "${tenant}".`);
  if (!CLIENT_ID.test(clientId!)) throw new ConfigError('SMOKE_CLIENT_ID', `SMOKE_CLIENT_ID must be a client id matching ${CLIENT_ID}, got "${clientId}".`);
  if (secret!.length < MIN_SMOKE_CLIENT_SECRET_LENGTH) {
    throw new ConfigError('SMOKE_CLIENT_SECRET', `SMOKE_CLIENT_SECRET must be at least ${MIN_SMOKE_CLIENT_SECRET_LENGTH} characters.`);
  }
  return { tenant: tenant!, clientId: clientId!, secret: secret! };
}
