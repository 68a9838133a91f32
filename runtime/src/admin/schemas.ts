import { CLIENT_ID, MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../clients/client-registration';

const tenantParams = {
  type: 'object',
  properties: { tenant: { type: 'string' } },
  required: ['tenant'],
} as const;

export const createTenantSchema = {
  body: {
    type: 'object',
    required: ['tenant'],
    additionalProperties: false,
    properties: { tenant: { type: 'string' }, display_name: { type: 'string' } },
  },
} as const;

/** Field names follow RFC 7591 §2 client metadata where one exists. */
export const createClientSchema = {
  params: tenantParams,
  body: {
    type: 'object',
    required: ['resources'],
    additionalProperties: false,
    properties: {
      client_id: { type: 'string', pattern: CLIENT_ID.source },
      token_endpoint_auth_method: { type: 'string', enum: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] },
      grant_types: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['authorization_code', 'refresh_token', 'client_credentials'] } },
      redirect_uris: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 2048 } },
      post_logout_redirect_uris: { type: 'array', maxItems: 20, items: { type: 'string', maxLength: 2048 } },
      scope: { type: 'string', maxLength: 4096 },
      resources: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'string', maxLength: 2048 } },
      default_resource: { type: 'string', maxLength: 2048 },
      access_token_ttl: { type: 'integer', minimum: MIN_TOKEN_TTL, maximum: MAX_TOKEN_TTL },
      jwks: {
        type: 'object',
        required: ['keys'],
        properties: { keys: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object' } } },
      },
    },
  },
} as const;

export const tenantSchema = { params: tenantParams } as const;
