/**
 * `npm run bench:sign-in`: password sign-ins per second on one pinned core, next to the raw
 * argon2id verify rate with the same parameters (OWASP: m=19456 KiB, t=2, p=1) on the same core
 * in the same run, and their ratio: what the sign-in path costs beyond the hash.
 *
 * Two sign-in paths, each in its own process pinned to core 1:
 *  - hosted sign-in through the runtime (`npm start`'s entrypoint, its demo user and public
 *    client): GET /authorize, GET /sign-in, POST /sign-in → 303 with a code, driven from core 0
 *    by bench/lib/sign-in-driver.ts; what a person's sign-in costs the server, all of it;
 *  - UserDirectory.authenticate on the embedded user store, in process: the password check alone
 *    (username lookup, NFKC normalisation, PHC parse, argon2id verify, rehash decision).
 * The raw rate is measured before and after them and averaged, as bench/token.ts does: this VM's
 * core speed drifts over a minute. Everything is time-bounded; the run stops by itself.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { firstLine, hasTaskset, runToJson, spawnNode } from './lib/processes';

const ROOT = resolve(__dirname, '..');
const RAW_SECONDS = 5;
const MEASURE_SECONDS = 8;
/** Checks in flight: libuv's default threadpool size, where @node-rs/argon2 runs its work. */
const CONCURRENCY = 4;

interface HostedResult {
  ok: number;
  failed: number;
  seconds: number;
  perSecond: number;
  perCpuSecond: number;
  serverCpuShare: number;
  firstError?: string;
}

/** The demo user's password for the run: long enough for the policy, not a common one. */
const DEMO_PASSWORD = 'bench sign-in passphrase 2026 ok';

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Hosted sign-ins through `npm start`'s runtime on `core`, driven from `driverCore`. */
async function measureHosted(core: number | undefined, driverCore: number | undefined): Promise<HostedResult> {
  // The redirect URI is never followed: the driver reads the code from the 303's Location.
  const redirectUri = 'http://127.0.0.1:9/bench-callback';
  const server = spawnNode(join(ROOT, 'runtime/src/main.ts'), [], {
    core,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', DEMO_PASSWORD, DEMO_REDIRECT_URIS: redirectUri },
  });
  try {
    const started = await firstLine(server, (line) => (line.startsWith('{') ? (JSON.parse(line) as { issuer: string; public_client_id: string; username: string }) : undefined));
    const args = {
      issuer: started.issuer,
      clientId: started.public_client_id,
      redirectUri,
      username: started.username,
      password: DEMO_PASSWORD,
      connections: CONCURRENCY,
      warmupSeconds: 2,
      seconds: MEASURE_SECONDS,
      serverPid: server.pid!,
    };
    const result = await runToJson<HostedResult>(spawnNode(join(__dirname, 'lib/sign-in-driver.ts'), [JSON.stringify(args)], { core: driverCore }));
    if (result.ok === 0) throw new Error(`no hosted sign-in succeeded: ${result.firstError}`);
    return result;
  } finally {
    await stop(server);
  }
}

interface RateResult {
  checks: number;
  seconds: number;
  perSecond: number;
  perCpuSecond: number;
  cpuShare: number;
  /** Key provider calls of one sign-in (authenticate only). */
  keyCalls?: { cold: number; warm: number };
}

async function main(): Promise<void> {
  const pinned = hasTaskset() && availableParallelism() >= 2;
  const core = pinned ? 1 : undefined;
  const driverCore = pinned ? 0 : undefined;
  if (!pinned) process.stderr.write('warning: taskset or a second core is missing; running unpinned, figures are indicative only\n');
  const measure = (mode: 'raw' | 'authenticate' | 'authenticate-plain', seconds: number) =>
    runToJson<RateResult>(spawnNode(join(__dirname, 'lib/password-check-rate.ts'), [mode, String(seconds), String(CONCURRENCY)], { core }));

  const rawBefore = await measure('raw', RAW_SECONDS);
  const hosted = await measureHosted(core, driverCore);
  const signIns = await measure('authenticate', MEASURE_SECONDS);
  const plain = await measure('authenticate-plain', MEASURE_SECONDS);
  const rawAfter = await measure('raw', RAW_SECONDS);
  const raw = {
    perSecond: (rawBefore.perSecond + rawAfter.perSecond) / 2,
    perCpuSecond: (rawBefore.perCpuSecond + rawAfter.perCpuSecond) / 2,
    cpuShare: Math.min(rawBefore.cpuShare, rawAfter.cpuShare),
  };
  const ratio = signIns.perSecond / raw.perSecond;
  const cpuRatio = signIns.perCpuSecond / raw.perCpuSecond;
  const hostedRatio = hosted.perSecond / raw.perSecond;
  const hostedCpuRatio = hosted.perCpuSecond / raw.perCpuSecond;
  const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const busy = signIns.cpuShare < 0.9 || raw.cpuShare < 0.9 || hosted.serverCpuShare < 0.9;
  const beyond = (perCpuSecond: number) => `${fmt(1e6 / perCpuSecond - 1e6 / raw.perCpuSecond)} µs of CPU per sign-in beyond the hash (of ${fmt(1e6 / perCpuSecond)} µs)`;
  const lines = [
    `password sign-in, argon2id m=19456 KiB t=2 p=1 (@node-rs/argon2), ${CONCURRENCY} in flight, ${MEASURE_SECONDS} s after warm-up`,
    `each measured process${pinned ? ' pinned to core 1; the hosted sign-in driver on core 0' : ' (unpinned)'}; loopback`,
    '',
    `  raw argon2id verify, same core      ${fmt(raw.perSecond, 1).padStart(8)} verifies/s  (mean of ${fmt(rawBefore.perSecond, 1)} before and ${fmt(rawAfter.perSecond, 1)} after; ${fmt(raw.perCpuSecond, 1)} per CPU-second)`,
    `  hosted sign-in through the runtime (GET /authorize, GET /sign-in, POST /sign-in → 303 with a code):`,
    `    sign-ins                          ${fmt(hosted.perSecond, 1).padStart(8)} sign-ins/s  (${fmt(hosted.perCpuSecond, 1)} per CPU-second; had ${fmt(hosted.serverCpuShare * 100)} % of the core; errors ${hosted.failed})`,
    `    ratio sign-ins/s ÷ raw verifies/s ${fmt(hostedRatio, 3).padStart(8)}             (per CPU-second ${fmt(hostedCpuRatio, 3)})`,
    `    cost                              ${beyond(hosted.perCpuSecond)}`,
    `  UserDirectory.authenticate alone (in process, embedded user store):`,
    `    sign-ins                          ${fmt(signIns.perSecond, 1).padStart(8)} sign-ins/s  (${fmt(signIns.perCpuSecond, 1)} per CPU-second; had ${fmt(signIns.cpuShare * 100)} % of the core)`,
    `    ratio sign-ins/s ÷ raw verifies/s ${fmt(ratio, 3).padStart(8)}             (per CPU-second ${fmt(cpuRatio, 3)})`,
    `    cost                              ${beyond(signIns.perCpuSecond)}`,
    `  UserDirectory.authenticate, personal data encryption off (plaintext store, as before issue 14), same run:`,
    `    sign-ins                          ${fmt(plain.perSecond, 1).padStart(8)} sign-ins/s  (${fmt(plain.perCpuSecond, 1)} per CPU-second)`,
    `    ratio encryption on ÷ off         ${fmt(signIns.perSecond / plain.perSecond, 3).padStart(8)}             (per CPU-second ${fmt(signIns.perCpuSecond / plain.perCpuSecond, 3)})`,
    `    key provider (KMS) calls per sign-in: cold cache ${signIns.keyCalls?.cold ?? '?'}, warm cache ${signIns.keyCalls?.warm ?? '?'}`,
    ...(busy
      ? ['', `warning: other processes took part of the pinned core (hosted ${fmt(hosted.serverCpuShare * 100)} %, authenticate ${fmt(signIns.cpuShare * 100)} %, baseline ${fmt(raw.cpuShare * 100)} %); per-CPU-second figures still hold`]
      : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const dir = join(ROOT, '.bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'sign-in.json'),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        pinned,
        concurrency: CONCURRENCY,
        hostedSignInsPerSecond: hosted.perSecond,
        hostedSignInsPerCpuSecond: hosted.perCpuSecond,
        hostedRatio,
        hostedCpuRatio,
        hostedErrors: hosted.failed,
        rawVerifiesPerSecond: raw.perSecond,
        rawVerifiesPerCpuSecond: raw.perCpuSecond,
        rawVerifiesPerSecondBefore: rawBefore.perSecond,
        rawVerifiesPerSecondAfter: rawAfter.perSecond,
        authenticatePerSecond: signIns.perSecond,
        authenticatePerCpuSecond: signIns.perCpuSecond,
        authenticateRatio: ratio,
        authenticateCpuRatio: cpuRatio,
        plainAuthenticatePerSecond: plain.perSecond,
        encryptionOnOffRatio: signIns.perSecond / plain.perSecond,
        keyCallsPerSignIn: signIns.keyCalls,
      },
      null,
      2,
    )}\n`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:sign-in failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
