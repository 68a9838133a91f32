/** Port arithmetic for security group rules and ACL entries. */
import type { PortRange } from '../../facts/network';

export const WORLD_CIDRS: readonly string[] = ['0.0.0.0/0', '::/0'];

/** Whether a rule's ports (or all traffic) cover `port`. */
export function coversPort(protocol: string, ports: PortRange, port: number): boolean {
  if (protocol === 'all' || ports === 'all') return true;
  return ports.from <= port && port <= ports.to;
}

export function portText(ports: PortRange): string {
  return ports === 'all' ? 'all ports' : ports.from === ports.to ? `port ${ports.from}` : `ports ${ports.from}-${ports.to}`;
}
