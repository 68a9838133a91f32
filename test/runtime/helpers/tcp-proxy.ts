import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * A TCP forwarder between a client under test and a real service (here RabbitMQ), which a test
 * can cut and restore: `cut()` resets every open connection and refuses new ones (they are
 * accepted and reset at once, as a dead broker's load balancer would), `restore()` forwards again.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #pairs = new Set<[Socket, Socket]>();
  #cut = false;
  /** Connections accepted since start, forwarded or refused. */
  connections = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy: TcpProxy = new TcpProxy(
      createServer((inbound) => {
        proxy.connections++;
        if (proxy.#cut) {
          inbound.resetAndDestroy();
          return;
        }
        const outbound = createConnection(target);
        const pair: [Socket, Socket] = [inbound, outbound];
        proxy.#pairs.add(pair);
        const end = () => {
          proxy.#pairs.delete(pair);
          inbound.destroy();
          outbound.destroy();
        };
        inbound.on('error', end).on('close', end);
        outbound.on('error', end).on('close', end);
        inbound.pipe(outbound);
        outbound.pipe(inbound);
      }),
    );
    await new Promise<void>((listening, failed) => {
      proxy.#server.once('error', failed);
      proxy.#server.listen(0, '127.0.0.1', () => listening());
    });
    return proxy;
  }

  get port(): number {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy is not listening');
    return address.port;
  }

  /** Resets every forwarded connection and refuses new ones until restore(). */
  cut(): void {
    this.#cut = true;
    for (const [inbound, outbound] of this.#pairs) {
      inbound.resetAndDestroy();
      outbound.destroy();
    }
    this.#pairs.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((closed) => this.#server.close(() => closed()));
  }
}
