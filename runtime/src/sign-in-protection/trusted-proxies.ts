import { BlockList, isIP } from 'node:net';

/**
 * The proxies whose X-Forwarded-For we believe (TRUSTED_PROXY_CIDRS): in production, the
 * ingress controller's pod addresses. Empty by default: then nobody is trusted and the client IP
 * is always the socket's peer.
 */
export class TrustedProxies {
  static readonly none = new TrustedProxies([]);

  readonly cidrs: readonly string[];
  readonly #list = new BlockList();

  /** Throws InvalidCidr naming the entry. */
  constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address, prefix, extra] = cidr.split('/');
      const family = address === undefined ? 0 : isIP(address);
      const bits = family === 4 ? 32 : 128;
      if (family === 0 || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) || Number(prefix ?? bits) > bits) {
        throw new InvalidCidr(cidr);
      }
      this.#list.addSubnet(address!, Number(prefix ?? bits), family === 4 ? 'ipv4' : 'ipv6');
    }
    this.cidrs = [...cidrs];
  }

  /** Comma-separated CIDRs ("10.0.0.0/8, fd00::/8"); a bare address means a single host. Throws InvalidCidr. */
  static parse(list: string): TrustedProxies {
    const entries = list.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    return new TrustedProxies(entries);
  }

  /** Whether a (normalised) address lies in one of the trusted ranges. */
  includes(address: string): boolean {
    const family = isIP(address);
    if (family === 0 || this.cidrs.length === 0) return false;
    return this.#list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Not an exception a request can trigger: configuration parsing turns it into a ConfigError naming the variable. */
export class InvalidCidr extends Error {
  constructor(readonly entry: string) {
    super(`"${entry}" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/8, fd00::/8, or a single address)`);
  }
}
