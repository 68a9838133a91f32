import { InvalidTarget } from '../errors/oauth-errors';

/** RFC 8707 §2: an absolute URI without a fragment. */
export function isResourceIndicator(value: string): boolean {
  if (value.includes('#') || /\s/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The token's `aud` (RFC 8707 §2, RFC 9068 §3): every requested resource, each of which must be
 * registered for the client; the client's default resource when none is requested. Several
 * resources give an array audience; one gives a string, the form most resource servers check.
 */
export function audienceFor(
  requested: readonly string[] | undefined,
  client: { resources: readonly string[]; defaultResource: string },
): string | string[] {
  if (!requested || requested.length === 0) return client.defaultResource;
  const audience: string[] = [];
  for (const resource of requested) {
    if (!isResourceIndicator(resource)) throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707 section 2)');
    if (!client.resources.includes(resource)) throw new InvalidTarget(`resource "${resource}" is not allowed for this client`);
    if (!audience.includes(resource)) audience.push(resource);
  }
  return audience.length === 1 ? audience[0]! : audience;
}
