import * as jose from 'jose';
import { buildIdentityRuntime } from '../../../runtime/src/app';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { createLogger } from '../../../runtime/src/support/logger';
import { basic, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/**
 * The error model at the HTTP edge: the client reads `error` and `error_description`, the
 * operator's log line carries the `detail` as well, and an operator's error (status 500) reaches
 * the client only as a generic server_error.
 */
describe('what the client sees and what the operator logs', () => {
  let h: Harness;
  let client: { client_id: string; client_secret: string };
  const grant = { grant_type: 'client_credentials' };
  const rejections = () => h.logs.map((line) => JSON.parse(line)).filter((l) => l.msg === 'oauth request rejected');

  beforeAll(async () => {
    h = await startHarness('memory');
    await h.createTenant('acme');
    client = await h.createClient('acme');
  });
  afterAll(() => h.close());

  test('an unknown client and a wrong secret answer byte for byte the same; only the log tells them apart', async () => {
    const unknown = await h.form('acme', 'token', grant, basic('nobody', client.client_secret));
    const wrong = await h.form('acme', 'token', grant, basic(client.client_id, 'x'.repeat(43)));
    expect(unknown.status).toBe(401);
    expect(unknown.text).toBe('{"error":"invalid_client","error_description":"client authentication failed"}');
    expect(wrong.text).toBe(unknown.text);
    expect(unknown.text).not.toContain('detail');
    const details = rejections().slice(-2);
    expect(details).toEqual([
      expect.objectContaining({ reason: 'invalid_client', description: 'client authentication failed', detail: 'no such client' }),
      expect.objectContaining({ reason: 'invalid_client', description: 'client authentication failed', detail: 'wrong secret' }),
    ]);
    expect(h.logs.join('\n')).not.toContain(client.client_secret);
  });

  test("a failed client assertion logs jose's code and the claim, never the assertion", async () => {
    const pair = await jose.generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await jose.exportJWK(pair.publicKey)), alg: 'ES256' };
    const { client_id: clientId } = await h.createClient('acme', { token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } });
    const expired = await new jose.SignJWT({ jti: 'expired-1' })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(h.issuer('acme'))
      // Issued recently enough (iat is bounded too), so exp is what fails.
      .setIssuedAt(Math.floor(Date.now() / 1000) - 200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 120)
      .sign(pair.privateKey);
    const response = await h.form('acme', 'token', { ...grant, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: expired });
    expect(response.json).toEqual({ error: 'invalid_client', error_description: 'client_assertion is invalid, expired or not signed by a registered key' });
    expect(rejections().at(-1)).toMatchObject({ reason: 'invalid_client', detail: 'ERR_JWT_EXPIRED (exp: check_failed)' });
    expect(h.logs.join('\n')).not.toContain(expired);
  });

  test('a rejection without detail logs none', async () => {
    await h.form('acme', 'token', { grant_type: 'password' }, basic(client.client_id, client.client_secret));
    const line = rejections().at(-1);
    expect(line).toMatchObject({ reason: 'unsupported_grant_type', description: 'supported grant types are client_credentials, authorization_code and refresh_token' });
    expect(line).not.toHaveProperty('detail');
  });

  test('an operator error on an OAuth endpoint is a generic server_error, logged whole', async () => {
    // Another instance with another key-encryption key cannot open the keys this one sealed.
    const logs: string[] = [];
    const other = await buildIdentityRuntime({
      store: h.store,
      sealer: KeySealer.ephemeral(),
      hasher: SecretHasher.ephemeral(),
      logger: createLogger({ level: 'info', destination: { write: (line: string) => void logs.push(line) } }),
      processMetrics: false,
    });
    const base = await other.listen('127.0.0.1', 0);
    try {
      const response = await fetch(`${base}/t/acme/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(client.client_id, client.client_secret) },
        body: 'grant_type=client_credentials',
      });
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('{"error":"server_error","error_description":"the request could not be completed"}');
      const logged = logs.map((line) => JSON.parse(line)).find((l) => l.msg === 'oauth request failed unexpectedly');
      expect(logged?.err).toMatchObject({ type: 'KeyUnsealFailed', code: 'key_unseal_failed', message: expect.stringContaining('could not be decrypted') });
    } finally {
      await other.close();
    }
  });

  test('the admin API answers client errors with their code and description, and nothing else', async () => {
    const duplicate = await h.admin('POST', '/admin/tenants', { tenant: 'acme' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toEqual({ error: 'tenant_exists', error_description: 'tenant "acme" already exists' });
    const metadata = await h.admin('POST', '/admin/tenants/acme/clients', { resources: ['/relative'] });
    expect(metadata.status).toBe(400);
    expect(metadata.json).toEqual({ error: 'invalid_client_metadata', error_description: 'resource "/relative" must be an absolute URI without a fragment (RFC 8707 section 2)' });
  });
});
