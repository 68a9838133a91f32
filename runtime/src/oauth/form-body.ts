import { InvalidRequest } from '../errors/oauth-errors';

export type FormParams = Record<string, string | string[]>;

/**
 * Strict application/x-www-form-urlencoded parsing (HTML URL-encoding, as RFC 6749 Appendix B
 * requires):
 * - a malformed percent-encoding is a 400 invalid_request, not a silently mangled value;
 * - a parameter may appear once (RFC 6749 §3.2), except the ones in `repeatable` (RFC 8707
 *   `resource`), which always come back as arrays;
 * - a parameter without a value counts as omitted (RFC 6749 §3.1).
 */
export function parseFormBody(body: string, repeatable: ReadonlySet<string>): FormParams {
  const params: FormParams = {};
  if (body === '') return params;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    // Never let a parameter name reach the prototype chain.
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') continue;
    if (value === '') continue;
    if (repeatable.has(name)) {
      const list = (params[name] as string[] | undefined) ?? [];
      list.push(value);
      params[name] = list;
    } else if (Object.prototype.hasOwnProperty.call(params, name)) {
      throw new InvalidRequest(`parameter '${name}' is included more than once (RFC 6749 section 3.2)`);
    } else {
      params[name] = value;
    }
  }
  return params;
}

function decode(component: string): string {
  // Most parameters (grant_type=client_credentials) need no decoding at all.
  if (!component.includes('%') && !component.includes('+')) return component;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    throw new InvalidRequest('the request body is not valid application/x-www-form-urlencoded');
  }
}
