/**
 * The smoke client's credentials for `brandstack smoke --secret-id`: read from the Secrets
 * Manager secret BrandStack's SmokeClient keeps in the target account, with whatever
 * credentials the environment gives (in the pipeline, the stack's smoke reader role).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SMOKE_CLIENT_FIELDS } from '../../../runtime/src/config/smoke-client-config';
import { callAws } from './aws-failure';
import { VerificationUnavailable } from './expectation';

export interface SmokeCredentials {
  readonly tenant: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** A Secrets Manager secret ARN; its region is where the secret is read. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/** The region of a secret ARN, or undefined when `secretId` is not one. */
export function secretRegion(secretId: string): string | undefined {
  return SECRET_ARN.exec(secretId)?.[1];
}

/** Reads and validates the secret; a secret without the three members is reported, never echoed. */
export async function readSmokeCredentials(secretId: string, client: SecretsManagerClient): Promise<SmokeCredentials> {
  const region = secretRegion(secretId) ?? 'the default region';
  const { SecretString } = await callAws('secretsmanager:GetSecretValue', region, () => client.send(new GetSecretValueCommand({ SecretId: secretId })));
  let parsed: unknown;
  try {
    parsed = JSON.parse(SecretString ?? '');
  } catch {
    parsed = undefined;
  }
  const record = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const missing = Object.values(SMOKE_CLIENT_FIELDS).filter((field) => typeof record[field] !== 'string' || record[field] === '');
  if (missing.length > 0) {
    throw new VerificationUnavailable(`The smoke client secret ${secretId} lacks ${missing.join(', ')} (it must be the JSON SmokeClient creates); nothing was verified.`);
  }
  return {
    tenant: record[SMOKE_CLIENT_FIELDS.tenant] as string,
    clientId: record[SMOKE_CLIENT_FIELDS.clientId] as string,
    clientSecret: record[SMOKE_CLIENT_FIELDS.clientSecret] as string,
  };
}

/** The real client, in the secret's region. */
export function smokeSecretsClient(region: string | undefined): SecretsManagerClient {
  return new SecretsManagerClient(region ? { region } : {});
}
