/**
 * The baseline: how many RS256 signatures per second Node's crypto.sign makes on this core with
 * a pre-imported RSA-2048 KeyObject, over an input the size of a real access token. Prints one
 * JSON line. Run pinned to the server's core by bench/token.ts.
 */
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const seconds = Number(process.argv[2] ?? 5);
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'at+jwt', kid: 'x'.repeat(43) })).toString('base64url');
const payload = Buffer.from(
  JSON.stringify({
    iss: 'http://127.0.0.1:8080/t/demo',
    sub: 'x'.repeat(22),
    aud: 'https://demo.api.brandstack.example',
    exp: 1_900_000_300,
    iat: 1_900_000_000,
    jti: randomUUID(),
    client_id: 'x'.repeat(22),
    scope: 'demo.read demo.write',
    tenant: 'demo',
  }),
).toString('base64url');
const input = Buffer.from(`${header}.${payload}`);

const run = (ms: number): number => {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    sign('sha256', input, privateKey);
    n++;
  }
  return n;
};

run(500); // warm-up
const start = performance.now();
const cpuStart = process.cpuUsage();
const count = run(seconds * 1000);
const cpu = process.cpuUsage(cpuStart);
const elapsed = (performance.now() - start) / 1000;
// Per CPU-second as well: on a busy machine the wall-clock rate understates what the core can do.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ signs: count, seconds: elapsed, signsPerSecond: count / elapsed, signsPerCpuSecond: count / cpuSeconds, cpuShare: cpuSeconds / elapsed })}\n`);
