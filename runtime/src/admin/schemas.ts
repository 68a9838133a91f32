import { AUTHORITY, MAX_AUTHORITIES } from '../authorities/admin-authorities';
import { CLIENT_ID, MAX_TOKEN_TTL, MIN_TOKEN_TTL } from '../clients/client-registration';
import { SIGN_IN_POLICY_FIELDS } from '../sign-in-protection/sign-in-policy';

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
    properties: { tenant: { type: 'string' }, display_name: { type: 'string' }, customer: { type: 'string', maxLength: 63 } },
  },
} as const;

/** Field names follow RFC 7591 §2 client metadata where one exists. */
export const createClientSchema = {
  params: tenantParams,
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      authorities: { type: 'array', maxItems: MAX_AUTHORITIES, items: { type: 'string', pattern: AUTHORITY.source } },
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

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { after: { type: 'string', minLength: 1, maxLength: 128 }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
} as const;

/** GET /admin/tenants: pages by id, `after` the last id of the previous page. */
export const tenantListSchema = { querystring: listQuery } as const;

/** GET /admin/tenants/:tenant/clients: pages by client_id. */
export const clientListSchema = { params: tenantParams, querystring: listQuery } as const;

export const clientSchema = {
  params: {
    type: 'object',
    properties: { tenant: { type: 'string' }, client: { type: 'string', pattern: CLIENT_ID.source } },
    required: ['tenant', 'client'],
  },
} as const;

export const keySchema = {
  params: {
    type: 'object',
    // RFC 7638 SHA-256 thumbprints: 43 base64url characters.
    properties: { tenant: { type: 'string' }, kid: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } },
    required: ['tenant', 'kid'],
  },
} as const;

export const authoritiesSchema = {
  type: 'object',
  required: ['authorities'],
  additionalProperties: false,
  properties: { authorities: { type: 'array', maxItems: MAX_AUTHORITIES, items: { type: 'string', pattern: AUTHORITY.source } } },
} as const;

export const signInPolicySchema = {
  params: tenantParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: Object.fromEntries(SIGN_IN_POLICY_FIELDS.map((field) => [field, { type: 'integer', minimum: 0, maximum: 31_536_000_000 }])),
  },
} as const;

export const customerMoveSchema = {
  params: tenantParams,
  body: {
    type: 'object',
    required: ['customer'],
    additionalProperties: false,
    properties: { customer: { type: 'string', maxLength: 63 }, batch: { type: 'integer', minimum: 1, maximum: 1000 } },
  },
} as const;
