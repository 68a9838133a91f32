import { DEFAULT_MAX_PASSWORD_LENGTH } from '../users/password-policy';
import { MAX_USERNAME_LENGTH } from '../users/username';
import { AUTHORITY, MAX_AUTHORITIES, PHONE } from '../users/user-directory';

/**
 * JSON schemas of the user routes. They refuse what is malformed at the edge (with Fastify's
 * message naming the field); UserDirectory still checks every rule, as other callers use it too.
 * Lengths here are generous upper bounds in UTF-16 units; the directory counts code points.
 */
const userParams = {
  type: 'object',
  properties: { tenant: { type: 'string' }, user: { type: 'string', maxLength: 64 } },
  required: ['tenant', 'user'],
} as const;

const nullableString = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

const profile = {
  email: nullableString(254),
  name: nullableString(1024),
  phone: { type: ['string', 'null'], pattern: PHONE.source },
  authorities: { type: 'array', maxItems: MAX_AUTHORITIES, items: { type: 'string', pattern: AUTHORITY.source } },
} as const;

const password = { type: 'string', minLength: 1, maxLength: DEFAULT_MAX_PASSWORD_LENGTH * 2 } as const;

export const createUserSchema = {
  params: { type: 'object', properties: { tenant: { type: 'string' } }, required: ['tenant'] },
  body: {
    type: 'object',
    required: ['username'],
    additionalProperties: false,
    properties: { username: { type: 'string', minLength: 1, maxLength: MAX_USERNAME_LENGTH * 2 }, ...profile, password },
  },
} as const;

export const updateUserSchema = {
  params: userParams,
  body: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      username: { type: 'string', minLength: 1, maxLength: MAX_USERNAME_LENGTH * 2 },
      ...profile,
      status: { type: 'string', enum: ['active', 'disabled'] },
    },
  },
} as const;

export const setPasswordSchema = {
  params: userParams,
  body: { type: 'object', required: ['password'], additionalProperties: false, properties: { password } },
} as const;

export const userSchema = { params: userParams } as const;

export const findUserSchema = {
  params: { type: 'object', properties: { tenant: { type: 'string' } }, required: ['tenant'] },
  querystring: {
    type: 'object',
    required: ['username'],
    additionalProperties: false,
    properties: { username: { type: 'string', minLength: 1, maxLength: MAX_USERNAME_LENGTH * 2 } },
  },
} as const;
