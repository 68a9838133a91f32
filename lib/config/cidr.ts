/** IPv4 CIDR arithmetic for validating brand networks at synth. */

export interface Ipv4Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit integer. */
  readonly first: number;
  /** Last address as an unsigned 32-bit integer. */
  readonly last: number;
  readonly prefix: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an explanation instead when it is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Ipv4Cidr | string {
  const match = CIDR.exec(text);
  if (!match) return 'is not an IPv4 CIDR of the form a.b.c.d/n';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return 'has an octet above 255';
  if (prefix > 32) return 'has a prefix length above 32';
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefix);
  const first = Math.floor(address / size) * size;
  if (first !== address) return `has host bits set (the network address is ${formatAddress(first)}/${prefix})`;
  return { text, first, last: first + size - 1, prefix };
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** RFC 1918 private ranges: brand VPCs must live inside one of them. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((text) => parseCidr(text) as Ipv4Cidr);

export function isPrivate(cidr: Ipv4Cidr): boolean {
  return PRIVATE_RANGES.some((range) => range.first <= cidr.first && cidr.last <= range.last);
}

function formatAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}
