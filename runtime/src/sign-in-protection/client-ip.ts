import { isIP } from 'node:net';
import type { TrustedProxies } from './trusted-proxies';

/**
 * The client IP that sign-in protection counts against.
 *
 * X-Forwarded-For is believed only as far as trusted proxies vouch for it: starting from the
 * socket peer, while the current hop is a trusted proxy, step one entry to the left (each proxy
 * appends the address it received the request from). The first address that is not a trusted
 * proxy is the client. Entries further left were written by the client and are ignored: taking
 * the leftmost entry, as Keycloak did (keycloak #13261), lets any client choose its IP.
 * See RFC 7239 §7.4 (https://www.rfc-editor.org/rfc/rfc7239#section-7.4) and MDN's security
 * notes (https://developer.mozilla.org/en-US/docs/Web/HTTP/Reference/Headers/X-Forwarded-For#security_and_privacy_concerns).
 *
 * @param socketPeer the TCP peer (Fastify's `request.socket.remoteAddress`)
 * @param xForwardedFor the header as received; several headers arrive joined by ", " (Node)
 * @returns a normalised address (IPv4-mapped IPv6 as plain IPv4, IPv6 lower-case), or the peer as given when it is not an IP
 */
export function clientIp(socketPeer: string, xForwardedFor: string | string[] | undefined, trusted: TrustedProxies): string {
  let hop = normalizeIp(socketPeer) ?? socketPeer;
  if (!trusted.includes(hop) || xForwardedFor === undefined) return hop;
  const entries = (Array.isArray(xForwardedFor) ? xForwardedFor.join(',') : xForwardedFor).split(',');
  for (let i = entries.length - 1; i >= 0; i--) {
    const address = normalizeIp(stripPort(entries[i]!.trim()));
    // A trusted proxy appends a valid address; anything else stops the walk at the last hop we can vouch for.
    if (address === undefined) return hop;
    hop = address;
    if (!trusted.includes(hop)) return hop;
  }
  return hop;
}

/** One spelling per address, so counters do not split: `::ffff:192.0.2.1` → `192.0.2.1`, IPv6 lower-case and compressed. */
export function normalizeIp(value: string): string | undefined {
  const family = isIP(value);
  if (family === 4) return value;
  if (family !== 6) return undefined;
  // URL's host parser gives the canonical RFC 5952 text of an IPv6 address; a zone id
  // (fe80::1%eth0) names a local interface, not a different client, and URL refuses it.
  const canonical = new URL(`http://[${value.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const high = parseInt(mapped[1]!, 16);
    const low = parseInt(mapped[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return canonical;
}

/** XFF entries may carry a port ("192.0.2.1:4711", "[2001:db8::1]:4711") though most proxies omit it. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return v4WithPort ? v4WithPort[1]! : entry;
}
