import { InvalidScope } from '../errors/oauth-errors';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/**
 * The scopes to grant. RFC 6749 §3.3: without a scope parameter the server uses a pre-defined
 * default, here every scope the client registered; with one, each requested scope must be
 * registered for the client, or the request fails with invalid_scope (RFC 6749 §5.2).
 */
export function grantedScopes(requested: string | undefined, registered: readonly string[]): string[] {
  if (requested === undefined || requested.trim() === '') return [...registered];
  // §3.3: "a list of space-delimited" tokens; only %x20 separates, so tabs etc. are malformed.
  const tokens = requested.split(' ').filter((t) => t !== '');
  const granted: string[] = [];
  for (const token of tokens) {
    if (!isScopeToken(token)) throw new InvalidScope('scope contains characters not allowed by RFC 6749 section 3.3');
    if (!registered.includes(token)) throw new InvalidScope(`scope "${token}" is not registered for this client`);
    if (!granted.includes(token)) granted.push(token);
  }
  return granted;
}
