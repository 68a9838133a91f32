/**
 * Closed-loop HTTP load: `connections` keep-alive connections, each sending the next request as
 * soon as the previous answer arrives, for a bounded time. Loopback only. Prints one JSON line
 * with throughput and latency percentiles. Run pinned to its own core by bench/token.ts, so it
 * does not compete with the server.
 */
import { Agent, request } from 'node:http';
import { cpuSeconds } from './processes';

interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** The server's pid: its CPU use is sampled over exactly the measured phase. */
  serverPid?: number;
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec;
const url = new URL(spec.url);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('the load generator only targets loopback');
const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
const body = spec.body === undefined ? undefined : Buffer.from(spec.body);
const headers = { ...spec.headers, ...(body ? { 'content-length': String(body.length) } : {}) };

function once(): Promise<{ status: number; text: string }> {
  return new Promise((done, fail) => {
    const req = request({ agent, host: url.hostname, port: url.port, path: url.pathname, method: spec.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(body);
  });
}

async function phase(seconds: number, record: boolean) {
  const latenciesMs: number[] = [];
  let ok = 0;
  let failed = 0;
  let sample: string | undefined;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await once();
        const ms = performance.now() - t0;
        if (res.status === 200) {
          ok++;
          if (record) latenciesMs.push(ms);
          sample ??= res.text;
        } else {
          failed++;
          sample ??= `${res.status} ${res.text}`;
        }
      } catch {
        failed++;
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: spec.connections }, worker));
  return { ok, failed, seconds: (performance.now() - start) / 1000, latenciesMs, sample };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main() {
  await phase(spec.warmupSeconds, false);
  const cpuBefore = spec.serverPid === undefined ? 0 : cpuSeconds(spec.serverPid);
  const result = await phase(spec.seconds, true);
  const serverCpuShare = spec.serverPid === undefined ? undefined : (cpuSeconds(spec.serverPid) - cpuBefore) / result.seconds;
  const sorted = result.latenciesMs.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      ok: result.ok,
      failed: result.failed,
      seconds: result.seconds,
      perSecond: result.ok / result.seconds,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted[sorted.length - 1] ?? Number.NaN,
      serverCpuShare,
      sample: result.sample,
    })}\n`,
  );
  agent.destroy();
}

void main();
