import { productionEnv } from '../helpers/production-env';
import { randomBytes } from 'node:crypto';
import { querySchema, TEST_PG_URL, uniqueSchema } from '../helpers/postgres';
import { startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';
import { spawnEntrypoint } from '../helpers/processes';
import { TcpProxy } from '../helpers/tcp-proxy';
import { DedupingConsumer, uniqueExchange } from '../events/event-consumer';
import type { SecurityEvent } from '../../../runtime/src/security-events/security-notifier';

/**
 * Issue 13 §9, through the runtime itself: the real PostgreSQL and RabbitMQ on 127.0.0.1, with a
 * TCP proxy in front of the broker that the test cuts. Admin calls keep succeeding while the
 * broker is unreachable, and every audit event arrives once it is back; a runtime killed with
 * events in its outbox delivers them after a restart. The consumer drops duplicates by messageId.
 */
describe('admin calls and the event backbone under broker faults', () => {
  let proxy: TcpProxy;
  beforeEach(async () => {
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5672 });
  });
  afterEach(async () => {
    await proxy.close();
  });

  test('the broker is unreachable: admin calls succeed, and every event arrives after it returns', async () => {
    const exchange = uniqueExchange();
    const consumer = await DedupingConsumer.start(exchange);
    proxy.cut();
    let h: Harness | undefined;
    try {
      h = await startHarness('postgres', { amqpUrl: `amqp://guest:guest@127.0.0.1:${proxy.port}`, amqpExchange: exchange, relayPollIntervalMs: 200 });
      await h.createTenant('acme');
      for (let i = 0; i < 20; i++) expect((await h.admin('POST', '/admin/tenants/acme/clients', { client_id: `c${i}`, resources: ['https://api.example'] })).status).toBe(201);
      const { events } = await h.store.journal.trail.query('acme', { limit: 500 });
      expect(events).toHaveLength(21);
      expect(consumer.byId.size).toBe(0);

      proxy.restore();
      await consumer.waitForAll(events.map((e) => e.id));
      const created = consumer.byId.get(events[1]!.id)!;
      expect(created.routingKey).toBe('audit.acme.client.create');
      expect(created.properties).toMatchObject({ messageId: events[1]!.id, deliveryMode: 2 });
      expect(created.event.payload).toEqual({ sequence: 2, event: events[1] });
    } finally {
      await h?.close();
      await consumer.close();
    }
  });

  test('the runtime is killed with events in its outbox: after a restart they all arrive', async () => {
    const pg = uniqueSchema();
    const consumer = await DedupingConsumer.start('brandstack.events', ['audit.killtest.#']);
    const secret = randomBytes(32).toString('base64url');
    const env = productionEnv({ DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: pg.schema, PLATFORM_ADMIN_CLIENT_SECRET: secret, AMQP_URL: `amqp://guest:guest@127.0.0.1:${proxy.port}` });
    proxy.cut();
    const first = spawnEntrypoint('runtime/src/server.ts', env);
    try {
      const base: string = JSON.parse(await first.waitForLine((l) => l.includes('identity runtime listening'))).listening;
      const tokenResponse = await fetch(`${base}/t/platform/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`platform-admin:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
      const admin = (path: string, body: unknown) =>
        fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect((await admin('/admin/tenants', { tenant: 'killtest' })).status).toBe(201);
      for (let i = 0; i < 10; i++) expect((await admin('/admin/tenants/killtest/clients', { client_id: `k${i}`, resources: ['https://api.example'] })).status).toBe(201);
      first.child.kill('SIGKILL');
      await first.exited;

      const rows = await querySchema<{ id: string }>(pg.schema, `SELECT id FROM audit_events WHERE tenant_id = 'killtest'`);
      expect(rows).toHaveLength(11);
      const [{ n: unsent }] = await querySchema<{ n: number }>(pg.schema, 'SELECT count(*)::int AS n FROM event_outbox WHERE sent_at IS NULL');
      expect(unsent).toBeGreaterThanOrEqual(11);
      expect(consumer.byId.size).toBe(0);

      proxy.restore();
      const second = spawnEntrypoint('runtime/src/server.ts', env);
      try {
        await second.waitForLine((l) => l.includes('identity runtime listening'));
        await consumer.waitForAll(rows.map((r) => r.id));
      } finally {
        await second.stop();
      }
    } finally {
      await first.stop();
      await consumer.close();
      await pg.drop();
    }
  });
});

describe('security events travel the backbone (issue 13 §7)', () => {
  test('an IP block becomes security.<tenant>.ip.blocked on RabbitMQ, naming no account', async () => {
    const exchange = uniqueExchange();
    const consumer = await DedupingConsumer.start(exchange, ['security.#']);
    const notified: SecurityEvent[] = [];
    const h = await startHarness('postgres', {
      amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
      amqpExchange: exchange,
      securityQueue: `${exchange}.security-notifier`,
      relayPollIntervalMs: 200,
      notifier: { notify: async (event) => void notified.push(event) },
    });
    try {
      await h.createTenant('acme');
      const at = new Date(h.clock.now());
      let blocked = false;
      for (let i = 0; i < 5; i++) {
        const decision = await h.runtime.guard.recordFailure({ tenantId: 'acme', ip: '203.0.113.9', accountKey: `acct-${i}`, kind: 'sign_in' }, at);
        blocked ||= decision.blocked;
      }
      expect(blocked).toBe(true);
      // The guard notifies without holding up the request that caused the block: wait for the row.
      let row: { id: string } | undefined;
      for (let i = 0; i < 100 && !row; i++) {
        [row] = await querySchema<{ id: string }>(h.schema!, `SELECT id FROM event_outbox WHERE kind = 'security'`);
        if (!row) await new Promise((r) => setTimeout(r, 20));
      }
      await consumer.waitForAll([row!.id]);
      const message = consumer.byId.get(row!.id)!;
      expect(message.routingKey).toBe('security.acme.ip.blocked');
      expect(message.event.payload).toMatchObject({ type: 'ip_blocked', tenant: 'acme', ip: '203.0.113.9', failures: 5, distinct_accounts: 5 });
      expect(JSON.stringify(message.event)).not.toContain('acct-');
      // The notifier consumer takes it off its queue and hands it to the notifier (SNS in production).
      for (let i = 0; i < 250 && notified.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(notified).toEqual([expect.objectContaining({ type: 'ip_blocked', tenantId: 'acme', ip: '203.0.113.9', failures: 5 })]);
    } finally {
      await h.close();
      await consumer.close();
    }
  });
});

describe('the outbox is a queue, not an archive', () => {
  test('sent events are purged a day after they were sent; unsent ones never', async () => {
    const h = await startHarness('postgres', { relayPollIntervalMs: 50 });
    try {
      await h.createTenant('acme');
      const count = async (where: string) => (await querySchema<{ n: number }>(h.schema!, `SELECT count(*)::int AS n FROM event_outbox WHERE ${where}`))[0]!.n;
      for (let i = 0; i < 50 && (await count('sent_at IS NULL')) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      const sent = await count('sent_at IS NOT NULL');
      expect(sent).toBeGreaterThan(0);
      // An event the relay has not sent (it is stopped): the purge must leave it.
      await h.runtime.relay.close();
      await querySchema(h.schema!, `INSERT INTO event_outbox (id, kind, tenant, action, routing_key, occurred_at, payload, sent_at) VALUES (gen_random_uuid(), 'audit', 'acme', 'x.y', 'audit.acme.x.y', now(), '{}', NULL)`);
      await h.store.purgeExpired(new Date(Date.now() + 23 * 3600_000));
      expect(await count('sent_at IS NOT NULL')).toBe(sent);
      await h.store.purgeExpired(new Date(Date.now() + 25 * 3600_000));
      expect(await count('sent_at IS NOT NULL')).toBe(0);
      expect(await count('sent_at IS NULL')).toBe(1);
    } finally {
      await h.close();
    }
  });
});
