import { randomBytes } from 'node:crypto';
import { buildIdentityRuntime } from '../../../runtime/src/app';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { MemoryStore } from '../../../runtime/src/store/memory-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { createLogger } from '../../../runtime/src/support/logger';
import { TEST_PG_URL, uniqueSchema } from '../helpers/postgres';
import { basic, STORE_KINDS, startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

describe.each(STORE_KINDS)('health and metrics with the %s store', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(kind);
    await h.createTenant('ops');
  });
  afterAll(() => h.close());

  test('liveness and readiness report ok when the store and keys are usable', async () => {
    const live = await h.request('GET', '/healthz/live');
    expect(live.status).toBe(200);
    expect(live.json).toEqual({ status: 'live' });
    const ready = await h.request('GET', '/healthz/ready');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready', checks: { store: 'ok', keys: 'ok' } });
  });

  test('/metrics exposes tokens issued, failures by reason and a latency histogram in Prometheus text', async () => {
    const c = await h.createClient('ops');
    for (let i = 0; i < 3; i++) await h.form('ops', 'token', { grant_type: 'client_credentials' }, basic(c.client_id, c.client_secret));
    await h.form('ops', 'token', { grant_type: 'client_credentials', scope: 'nope' }, basic(c.client_id, c.client_secret));
    const metrics = await h.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // 3 here, plus the harness's own platform-admin token.
    expect(metrics.text).toContain('brandstack_tokens_issued_total{grant_type="client_credentials"} 4');
    expect(metrics.text).toContain('brandstack_oauth_failures_total{endpoint="token",reason="invalid_scope"} 1');
    expect(metrics.text).toContain('brandstack_oauth_request_duration_seconds_count{endpoint="token",outcome="success"} 4');
    expect(metrics.text).toContain('brandstack_oauth_request_duration_seconds_count{endpoint="token",outcome="error"} 1');
    expect(metrics.text).toMatch(/brandstack_oauth_request_duration_seconds_bucket\{le="0.005",endpoint="token",outcome="success"\} \d+/);
  });

  test('/metrics names no tenant, existing or not: the listener it shares is the public one', async () => {
    await h.createTenant('brand-confidential');
    const c = await h.createClient('brand-confidential');
    expect((await h.form('brand-confidential', 'token', { grant_type: 'client_credentials' }, basic(c.client_id, c.client_secret))).status).toBe(200);
    await h.form('brand-confidential', 'token', { grant_type: 'password' }, basic(c.client_id, c.client_secret));
    await h.form('no-such-brand', 'token', { grant_type: 'client_credentials' }, basic(c.client_id, c.client_secret));
    const metrics = (await h.request('GET', '/metrics')).text;
    expect(metrics).toContain('brandstack_tokens_issued_total{grant_type="client_credentials"}');
    expect(metrics).toContain('brandstack_oauth_failures_total{endpoint="token",reason="tenant_not_found"} 1');
    for (const name of ['brand-confidential', 'no-such-brand', 'ops', 'tenant=']) expect(metrics).not.toContain(name);
  });
});

describe('readiness reports failures', () => {
  const quiet = () => createLogger({ level: 'silent', destination: 2 });

  test('not ready when the store is unreachable, and ready again when it answers', async () => {
    let down = false;
    class FlakyStore extends MemoryStore {
      override async ping(): Promise<void> {
        if (down) throw new Error('connection refused');
      }
    }
    const flaky = new FlakyStore();
    const logLines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(line) } });
    const runtime = await buildIdentityRuntime({ store: flaky, sealer: KeySealer.ephemeral(), hasher: SecretHasher.ephemeral(), logger, processMetrics: false });
    const base = await runtime.listen('127.0.0.1', 0);
    try {
      down = true;
      const failing = await fetch(`${base}/healthz/ready`);
      expect(failing.status).toBe(503);
      // Which check fails, not why: the path is public (Route 53 health checks), and the reason is logged instead.
      expect(await failing.json()).toEqual({ status: 'not_ready', checks: { store: 'failing', keys: 'ok' } });
      expect(logLines.some((line) => line.includes('not ready') && line.includes('failing: connection refused'))).toBe(true);
      // Liveness does not depend on the store: an outage must not restart every pod.
      expect((await fetch(`${base}/healthz/live`)).status).toBe(200);
      down = false;
      expect((await fetch(`${base}/healthz/ready`)).status).toBe(200);
    } finally {
      await runtime.close();
    }
  });

  test('not ready when PostgreSQL is gone', async () => {
    const pg = uniqueSchema();
    const store = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema });
    const runtime = await buildIdentityRuntime({ store, sealer: KeySealer.ephemeral(), hasher: SecretHasher.ephemeral(), logger: quiet(), processMetrics: false });
    const base = await runtime.listen('127.0.0.1', 0);
    try {
      expect((await fetch(`${base}/healthz/ready`)).status).toBe(200);
      await store.close();
      const response = await fetch(`${base}/healthz/ready`);
      expect(response.status).toBe(503);
      // The store's error (host, database, user) stays in the log.
      expect(((await response.json()) as { checks: { store: string } }).checks.store).toBe('failing');
    } finally {
      await runtime.close();
      await pg.drop();
    }
  });

  test('not ready, and no tokens, when the key-encryption key cannot open the stored keys', async () => {
    const pg = uniqueSchema();
    const first = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema });
    const hasher = SecretHasher.ephemeral();
    const writer = await buildIdentityRuntime({ store: first, sealer: new KeySealer(randomBytes(32)), hasher, logger: quiet(), processMetrics: false });
    await writer.provisioning.createTenant('sealed');
    const { client, secret } = await writer.provisioning.createClient('sealed', { resources: ['https://a.example'] });
    await writer.close();
    await first.close();

    // Same database, wrong KEY_ENCRYPTION_KEY.
    const second = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: pg.schema });
    const logLines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(line) } });
    const reader = await buildIdentityRuntime({ store: second, sealer: new KeySealer(randomBytes(32)), hasher, logger, processMetrics: false });
    const base = await reader.listen('127.0.0.1', 0);
    try {
      const ready = await fetch(`${base}/healthz/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: unknown }).checks).toEqual({ store: 'ok', keys: 'failing' });
      expect(logLines.some((line) => line.includes('not ready') && /could not be decrypted/.test(line))).toBe(true);
      const token = await fetch(`${base}/t/sealed/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(client.clientId, secret!) },
        body: 'grant_type=client_credentials',
      });
      expect(token.status).toBe(500);
      expect(await token.json()).toEqual({ error: 'server_error', error_description: 'the request could not be completed' });
    } finally {
      await reader.close();
      await second.close();
      await pg.drop();
    }
  });
});
