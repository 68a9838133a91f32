/**
 * `brandstack smoke` against a stand-in authorization server on loopback:
 * discovery, client_credentials, JWKS verification; the deployment's own hostname;
 * credentials from the stack's Secrets Manager secret (aws-sdk-client-mock).
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { main } from '../../../lib/pipeline/checks/cli';

interface Behaviour {
  issuerSuffix?: string;
  /** The issuer base the server names (its ISSUER_BASE_URL), when not the address it answers on. */
  publicIssuerBase?: string;
  tokenStatus?: number;
  typ?: string;
  signWithOtherKey?: boolean;
}

let server: http.Server;
let base: string;
let behaviour: Behaviour = {};
let requests: string[] = [];

beforeAll(async () => {
  const published = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = http.createServer(async (req, res) => {
    const issuer = `${behaviour.publicIssuerBase ?? base}/t/acme-retail`;
    requests.push(req.url ?? '');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/t/acme-retail/.well-known/openid-configuration') {
      return json(200, { issuer: issuer + (behaviour.issuerSuffix ?? ''), token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` });
    }
    if (req.url === '/t/acme-retail/jwks') return json(200, { keys: [jwk] });
    if (req.url === '/t/acme-retail/token' && req.method === 'POST') {
      const expected = `Basic ${Buffer.from('smoke-client:s3cret%2F').toString('base64')}`;
      if (req.headers.authorization !== expected || behaviour.tokenStatus === 401) return json(401, { error: 'invalid_client' });
      const token = await new SignJWT({ client_id: 'smoke-client', scope: '' })
        .setProtectedHeader({ alg: 'RS256', typ: behaviour.typ ?? 'at+jwt', kid: 'k1' })
        .setIssuer(issuer)
        .setSubject('smoke-client')
        .setAudience(issuer)
        .setIssuedAt()
        .setExpirationTime('5m')
        .setJti('j1')
        .sign(behaviour.signWithOtherKey ? other.privateKey : published.privateKey);
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: 300 });
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

async function runSmoke(env: Record<string, string> = { SMOKE_CLIENT_ID: 'smoke-client', SMOKE_CLIENT_SECRET: 's3cret/' }, baseUrl = base) {
  let out = '';
  let err = '';
  const code = await main(['smoke', '--brand', 'acme', '--tenant', 'acme-retail', '--base-url', baseUrl], { out: (t) => (out += t), err: (t) => (err += t), env });
  return { code, out, err, violations: out.split('\n').filter((line) => line.startsWith('VIOLATED')) };
}

test('discovery, token, JWKS verification all hold: exit 0', async () => {
  behaviour = {};
  const { code, out, violations } = await runSmoke();
  expect(violations).toEqual([]);
  expect(out).toContain('held      access token verifies against the JWKS (RFC 9068 at+jwt, issuer)');
  expect(out).toContain('held      access token client_id is smoke-client');
  expect(code).toBe(0);
});

test.each([
  ['a discovery issuer that differs from its URL', { issuerSuffix: '/other' }, /^VIOLATED {2}discovery issuer is http:\/\/127\.0\.0\.1:\d+\/t\/acme-retail \(actual: .*\/t\/acme-retail\/other\)$/],
  ['a refused client', { tokenStatus: 401 }, /^VIOLATED {2}client_credentials token issued to smoke-client \(actual: 401 invalid_client\)$/],
  ['a token signed with a key the JWKS does not publish', { signWithOtherKey: true }, /^VIOLATED {2}access token verifies against the JWKS .*\(actual: ERR_JWS_SIGNATURE_VERIFICATION_FAILED/],
  ['a token that is not an RFC 9068 access token', { typ: 'JWT' }, /^VIOLATED {2}access token verifies against the JWKS .*\(actual: ERR_JWT_CLAIM_VALIDATION_FAILED: unexpected "typ"/],
])('%s: VIOLATED, exit 1', async (_name, bad, line) => {
  behaviour = bad;
  const { code, violations } = await runSmoke();
  expect(violations).toHaveLength(1);
  expect(violations[0]).toMatch(line);
  expect(code).toBe(1);
});

test('no client credentials: exit 2 naming --secret-id and the variables', async () => {
  const { code, err } = await runSmoke({});
  expect(code).toBe(2);
  expect(err.split('\n')[0]).toBe(
    "brandstack: --secret-id, or SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET, must be given (the pipeline passes the secret of the stack's smoke client)",
  );
});

test('an unreachable runtime: one sentence, exit 2', async () => {
  // A port that was just free: nothing listens there (fetch refuses well-known ports such as 9 outright).
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((resolve) => probe.close(resolve));
  const { code, err, out } = await runSmoke(undefined, closed);
  expect(code).toBe(2);
  expect(out).toBe('');
  expect(err).toBe(`brandstack: ${closed} could not be reached (ECONNREFUSED); nothing was verified.\n`);
});

test('a tenant the brand does not have is refused', async () => {
  let err = '';
  const env = { SMOKE_CLIENT_ID: 'smoke-client', SMOKE_CLIENT_SECRET: 's3cret/' };
  const code = await main(['smoke', '--brand', 'acme', '--tenant', 'initech', '--environment', 'test', '--region', 'eu-central-1'], { out: () => undefined, err: (t) => (err += t), env });
  expect(code).toBe(2);
  expect(err.split('\n')[0]).toBe("brandstack: --tenant 'initech' is not a customer of 'acme'; customers: acme-retail, acme-wholesale, globex");
});

test('a production stack: the issuer names the public name, yet discovery, token and JWKS are asked of the deployment under test', async () => {
  behaviour = { publicIssuerBase: 'https://id.acme.example.com' };
  requests = [];
  let out = '';
  const env = { SMOKE_CLIENT_ID: 'smoke-client', SMOKE_CLIENT_SECRET: 's3cret/' };
  const code = await main(['smoke', '--brand', 'acme', '--tenant', 'acme-retail', '--base-url', base, '--issuer-base', 'https://id.acme.example.com'], {
    out: (t) => (out += t),
    err: () => undefined,
    env,
  });
  expect(out).toContain('held      discovery issuer is https://id.acme.example.com/t/acme-retail');
  expect(out.split('\n').filter((l) => l.startsWith('VIOLATED'))).toEqual([]);
  expect(code).toBe(0);
  expect(requests).toEqual(['/t/acme-retail/.well-known/openid-configuration', '/t/acme-retail/token', '/t/acme-retail/jwks']);
});

test('without --base-url it asks the deployment\'s own hostname, <region>.<environment>.<domain>', async () => {
  let err = '';
  const env = { SMOKE_CLIENT_ID: 'smoke-client', SMOKE_CLIENT_SECRET: 's3cret/' };
  const code = await main(['smoke', '--brand', 'acme', '--environment', 'staging', '--region', 'eu-west-1'], { out: () => undefined, err: (t) => (err += t), env });
  // No network here: the name does not resolve, and the sentence names the origin it tried.
  expect(code).toBe(2);
  expect(err).toMatch(/^brandstack: https:\/\/eu-west-1\.staging\.id\.acme\.example\.com could not be reached \([A-Z_]+\); nothing was verified\.\n$/);
});

test.each<[string[], string]>([
  [['--environment', 'staging'], "brandstack: --environment and --region are required (the deployment answers on <region>.<environment>.<domain>), or --base-url"],
  [['--environment', 'staging', '--region', 'ap-southeast-2'], "brandstack: --region 'ap-southeast-2' is not allowed for brand 'acme' (data residency); allowed regions for 'acme': eu-central-1, eu-west-1"],
  [['--base-url', 'https://x.example', '--region', 'eu-west-1'], 'brandstack: --base-url replaces --environment and --region: give one or the other'],
  [['--base-url', 'https://x.example', '--issuer-base', 'id.acme.example.com'], "brandstack: --issuer-base 'id.acme.example.com' is not an http(s) URL"],
  [['--base-url', 'https://x.example', '--secret-id', 'brandstack/smoke'], "brandstack: --secret-id 'brandstack/smoke' is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)"],
])('bad flags %j: exit 2 naming the flag', async (flags, first) => {
  let err = '';
  const code = await main(['smoke', '--brand', 'acme', ...flags], { out: () => undefined, err: (t) => (err += t), env: {} });
  expect(code).toBe(2);
  expect(err.split('\n')[0]).toBe(first);
});

describe('credentials from the stack\'s smoke client secret (--secret-id)', () => {
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-central-1:222222222222:secret:SmokeClientSecret-AbCdEf';
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  const run = async (flags: string[] = []) => {
    let out = '';
    let err = '';
    const regions: Array<string | undefined> = [];
    const code = await main(['smoke', '--brand', 'acme', '--base-url', base, '--secret-id', SECRET_ARN, ...flags], {
      out: (t) => (out += t),
      err: (t) => (err += t),
      env: {},
      secretsManager: (region) => {
        regions.push(region);
        return new SecretsManagerClient({ region });
      },
    });
    return { code, out, err, regions };
  };

  test('the secret gives tenant, client id and secret; read in the secret\'s region; exit 0', async () => {
    behaviour = {};
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves({ SecretString: JSON.stringify({ tenant: 'acme-retail', client_id: 'smoke-client', client_secret: 's3cret/' }) });
    const { code, out, regions } = await run();
    expect(out).toContain('brandstack smoke: acme, tenant acme-retail');
    expect(out).toContain('held      access token client_id is smoke-client');
    expect(regions).toEqual(['eu-central-1']);
    expect(code).toBe(0);
  });

  test('a --tenant other than the secret\'s is refused', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ tenant: 'acme-retail', client_id: 'smoke-client', client_secret: 's3cret/' }) });
    const { code, err } = await run(['--tenant', 'globex']);
    expect(code).toBe(2);
    expect(err.split('\n')[0]).toBe("brandstack: --tenant 'globex' is not the smoke client's tenant 'acme-retail' (from --secret-id); leave --tenant out");
  });

  test('a secret without the client\'s members: one sentence that does not echo it, exit 2', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ client_id: 'smoke-client', password: 'leaked?' }) });
    const { code, err, out } = await run();
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toBe(`brandstack: The smoke client secret ${SECRET_ARN} lacks tenant, client_secret (it must be the JSON SmokeClient creates); nothing was verified.\n`);
  });

  test('access refused (the reader role was not assumed): one sentence, exit 2', async () => {
    secrets.on(GetSecretValueCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const { code, err } = await run();
    expect(code).toBe(2);
    expect(err).toMatch(/^brandstack: The credentials may not call secretsmanager:GetSecretValue in eu-central-1 \(AccessDeniedException\)/);
  });
});
