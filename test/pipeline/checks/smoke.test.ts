/**
 * `brandstack smoke` against a stand-in authorization server on loopback:
 * discovery, client_credentials, JWKS verification.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { main } from '../../../lib/pipeline/checks/cli';

interface Behaviour {
  issuerSuffix?: string;
  tokenStatus?: number;
  typ?: string;
  signWithOtherKey?: boolean;
}

let server: http.Server;
let base: string;
let behaviour: Behaviour = {};

beforeAll(async () => {
  const published = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = http.createServer(async (req, res) => {
    const issuer = `${base}/t/acme-retail`;
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

test('no client credentials in the environment: exit 2 naming them', async () => {
  const { code, err } = await runSmoke({});
  expect(code).toBe(2);
  expect(err.split('\n')[0]).toBe('brandstack: SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET must be set (the pipeline reads them from Secrets Manager)');
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
  const code = await main(['smoke', '--brand', 'acme', '--tenant', 'initech'], { out: () => undefined, err: (t) => (err += t), env: {} });
  expect(code).toBe(2);
  expect(err.split('\n')[0]).toBe("brandstack: --tenant 'initech' is not a customer of 'acme'; customers: acme-retail, acme-wholesale, globex");
});
