import type { ClientAuthenticationParams } from '../clients/client-authenticator';

/**
 * JSON schemas of the OAuth endpoints, and the body types they admit. Bodies are the objects
 * produced by parseFormBody, so `resource` (RFC 8707) is always an array and every other
 * parameter a single string; a repeated parameter has already been rejected by the parser.
 */

/** What tokenRequestSchema admits. */
export interface TokenRequestBody extends ClientAuthenticationParams {
  grant_type: string;
  scope?: string;
  resource?: string[];
  /** RFC 6749 §4.1.3 and RFC 7636 §4.5 */
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  /** RFC 6749 §6 */
  refresh_token?: string;
}

/** What tokenOperationSchema admits. */
export interface TokenOperationBody extends ClientAuthenticationParams {
  token: string;
  token_type_hint?: string;
}

const tenantParams = {
  type: 'object',
  properties: { tenant: { type: 'string' } },
  required: ['tenant'],
} as const;

const clientAuthentication = {
  client_id: { type: 'string' },
  client_secret: { type: 'string' },
  client_assertion: { type: 'string' },
  client_assertion_type: { type: 'string' },
} as const;

/** RFC 6749 §4.4.2 with RFC 8707 §2 resource. */
export const tokenRequestSchema = {
  params: tenantParams,
  body: {
    type: 'object',
    required: ['grant_type'],
    properties: {
      grant_type: { type: 'string' },
      scope: { type: 'string' },
      resource: { type: 'array', items: { type: 'string' } },
      code: { type: 'string', maxLength: 256 },
      redirect_uri: { type: 'string', maxLength: 2048 },
      code_verifier: { type: 'string', maxLength: 256 },
      refresh_token: { type: 'string', maxLength: 256 },
      ...clientAuthentication,
    },
  },
  response: {
    // RFC 6749 §5.1; serialised by fast-json-stringify.
    200: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_in'],
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string' },
        expires_in: { type: 'integer' },
        scope: { type: 'string' },
        // OIDC Core §3.1.3.3 and RFC 6749 §5.1, for the authorization_code and refresh_token grants.
        id_token: { type: 'string' },
        refresh_token: { type: 'string' },
      },
    },
  },
} as const;

/** RFC 7662 §2.1 and RFC 7009 §2.1: the same parameters. */
export const tokenOperationSchema = {
  params: tenantParams,
  body: {
    type: 'object',
    required: ['token'],
    properties: {
      token: { type: 'string' },
      token_type_hint: { type: 'string' },
      ...clientAuthentication,
    },
  },
} as const;

export const tenantOnlySchema = { params: tenantParams } as const;
