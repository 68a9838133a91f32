/**
 * Closed-loop hosted sign-ins against a runtime, for bench/sign-in.ts: `connections` browsers at
 * once, each repeating the whole flow a person goes through (RFC 6749 §4.1 with PKCE S256):
 * GET /authorize (303 to the page, with the transaction cookie), GET /sign-in (the form and its
 * CSRF token), POST /sign-in with the credentials (303 to the redirect URI with a code). A
 * sign-in counts when the POST answers 303 with `code=`. Loopback only; bounded in time. Prints
 * one JSON line, with the server's CPU share over exactly the measured phase.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpuSeconds } from './processes';

interface DriverSpec {
  issuer: string;
  clientId: string;
  redirectUri: string;
  username: string;
  password: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  serverPid: number;
}

const spec = JSON.parse(process.argv[2]!) as DriverSpec;
if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(spec.issuer).hostname)) throw new Error('the sign-in driver only targets loopback');
const verifier = randomBytes(32).toString('base64url');
const authorizeUrl = `${spec.issuer}/authorize?${new URLSearchParams({
  response_type: 'code',
  client_id: spec.clientId,
  redirect_uri: spec.redirectUri,
  scope: 'openid',
  code_challenge: createHash('sha256').update(verifier).digest('base64url'),
  code_challenge_method: 'S256',
  state: randomBytes(16).toString('base64url'),
  nonce: randomBytes(16).toString('base64url'),
  // A new sign-in every time, never a reused session.
  prompt: 'login',
})}`;

const cookiesOf = (response: Response) => response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');

async function signIn(): Promise<void> {
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  await authorize.arrayBuffer();
  if (authorize.status !== 303) throw new Error(`authorize answered ${authorize.status}`);
  const cookie = cookiesOf(authorize);
  const page = await fetch(`${spec.issuer}/sign-in`, { headers: { cookie } });
  const html = await page.text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !csrf) throw new Error(`sign-in page answered ${page.status} without a CSRF token`);
  const post = await fetch(`${spec.issuer}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf: csrf.replace(/&amp;/g, '&'), username: spec.username, password: spec.password }).toString(),
  });
  await post.arrayBuffer();
  const location = post.headers.get('location') ?? '';
  if (post.status !== 303 || !location.startsWith(spec.redirectUri) || !new URL(location).searchParams.has('code')) {
    throw new Error(`sign-in answered ${post.status} to ${location}`);
  }
}

async function phase(seconds: number) {
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      try {
        await signIn();
        ok++;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: spec.connections }, worker));
  return { ok, failed, seconds: (performance.now() - start) / 1000, firstError };
}

async function main() {
  await phase(spec.warmupSeconds);
  const cpuBefore = cpuSeconds(spec.serverPid);
  const result = await phase(spec.seconds);
  const serverCpuShare = (cpuSeconds(spec.serverPid) - cpuBefore) / result.seconds;
  process.stdout.write(`${JSON.stringify({ ...result, perSecond: result.ok / result.seconds, perCpuSecond: result.ok / result.seconds / serverCpuShare, serverCpuShare })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
