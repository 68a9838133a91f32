/**
 * The security notifier consumer against the real RabbitMQ on 127.0.0.1:5672, delivering through
 * SnsSecurityNotifier to an aws-sdk-client-mock'ed SNSClient.
 */
import { randomBytes } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { connect } from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { AmqpEventPublisher } from '../../../runtime/src/events/amqp-event-publisher';
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import { securityEnvelope } from '../../../runtime/src/security-events/security-envelope';
import { RecentIds, startSecurityNotifications } from '../../../runtime/src/security-events/security-event-consumer';
import type { SecurityNotifications } from '../../../runtime/src/security-events/security-event-consumer';
import type { IpBlockedEvent } from '../../../runtime/src/security-events/security-notifier';
import { SnsSecurityNotifier } from '../../../runtime/src/security-events/sns-security-notifier';
import { TcpProxy } from '../helpers/tcp-proxy';
import { TEST_AMQP_URL, uniqueExchange } from '../events/event-consumer';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:brand-security';
const AMQP_PORT = Number(new URL(TEST_AMQP_URL).port || 5672);

const blocked = (ip: string): IpBlockedEvent => ({ type: 'ip_blocked', tenantId: 'shop', ip, failures: 5, blockSeconds: 900, at: new Date(Date.now() - 1000), distinctAccounts: 3 });

const sns = mockClient(SNSClient);
let admin: ChannelModel;
let exchange: string;
let queue: string;
let publisher: AmqpEventPublisher;
let notifications: SecurityNotifications | undefined;

beforeAll(async () => {
  admin = await connect(TEST_AMQP_URL);
});
afterAll(async () => {
  await admin.close();
});

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  exchange = uniqueExchange();
  queue = `brandstack.test-security-notifier.${process.pid}.${randomBytes(4).toString('hex')}`;
  publisher = new AmqpEventPublisher({ url: TEST_AMQP_URL, exchange });
});

afterEach(async () => {
  await notifications?.close();
  notifications = undefined;
  await publisher.close();
  const channel = await admin.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteQueue(`${queue}.rejected`);
  await channel.deleteExchange(exchange);
  await channel.close();
});

function start(options: { url?: string; rememberedIds?: number } = {}): SecurityNotifications {
  const errors: unknown[] = [];
  notifications = startSecurityNotifications({
    url: options.url ?? TEST_AMQP_URL,
    exchange,
    queue,
    rememberedIds: options.rememberedIds,
    retryBaseMs: 50,
    retryMaxMs: 500,
    notifier: new SnsSecurityNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC, logger: { error: (...args: unknown[]) => errors.push(args) } as never }),
  });
  return notifications;
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const published = () => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
async function queueDepth(name: string): Promise<number> {
  const channel = await admin.createChannel();
  try {
    return (await channel.checkQueue(name)).messageCount;
  } finally {
    await channel.close();
  }
}

describe('security notifications from the backbone', () => {
  it('publishes each security.* event to the security topic once, however often it is delivered', async () => {
    const n = start();
    await eventually(() => n.consumer.connected, 10_000, 'connected');
    const first = securityEnvelope(blocked('198.51.100.7'));
    const second = securityEnvelope(blocked('2001:db8::9'));
    await publisher.publish([first, second]);
    await publisher.publish([first]);
    // An audit event on the same exchange is not this consumer's.
    await publisher.publish([{ ...first, id: 'audit-1', kind: 'audit', action: 'client.created' }]);
    await eventually(() => published().length >= 2, 10_000, 'two notifications');
    await eventually(async () => (await queueDepth(queue)) === 0, 5000, 'queue drained');
    await new Promise((r) => setTimeout(r, 200));
    expect(published()).toHaveLength(2);
    const messages = published().map((input) => ({ topic: input.TopicArn, message: JSON.parse(input.Message!) }));
    expect(messages).toEqual(
      expect.arrayContaining([
        { topic: TOPIC, message: expect.objectContaining({ type: 'ip_blocked', tenant: 'shop', ip: '198.51.100.7', failures: 5, distinct_accounts: 3 }) },
        { topic: TOPIC, message: expect.objectContaining({ ip: '2001:db8::9' }) },
      ]),
    );
    expect(published()[0]!.Subject).toMatch(/^brandstack: client IP .* blocked for tenant shop$/);
  });

  it('parks a message that is not a security event this runtime understands, and notifies nothing for it', async () => {
    const n = start();
    await eventually(() => n.consumer.connected, 10_000, 'connected');
    const forged: EventEnvelope = { ...securityEnvelope(blocked('198.51.100.7')), payload: { type: 'ip_blocked', tenant: 'other', ip: '198.51.100.7' } };
    const unknownAction: EventEnvelope = { ...securityEnvelope(blocked('198.51.100.8')), action: 'account.locked' };
    await publisher.publish([forged, unknownAction]);
    await eventually(async () => (await queueDepth(`${queue}.rejected`)) === 2, 10_000, 'two parked');
    expect(published()).toHaveLength(0);
  });

  it('notifies every event published while the broker connection was cut, after it reconnects', async () => {
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: AMQP_PORT });
    try {
      const n = start({ url: TEST_AMQP_URL.replace(`:${AMQP_PORT}`, `:${proxy.port}`) });
      await eventually(() => n.consumer.connected, 10_000, 'connected');
      proxy.cut();
      await eventually(() => !n.consumer.connected, 5000, 'disconnected');
      const events = Array.from({ length: 5 }, (_, i) => securityEnvelope(blocked(`198.51.100.${20 + i}`)));
      await publisher.publish(events);
      await new Promise((r) => setTimeout(r, 300));
      expect(published()).toHaveLength(0);
      proxy.restore();
      await eventually(() => published().length === 5, 15_000, 'five notifications');
      expect(new Set(published().map((input) => JSON.parse(input.Message!).ip))).toEqual(new Set(events.map((e) => e.payload['ip'])));
    } finally {
      await proxy.close();
    }
  });
});

describe('RecentIds', () => {
  it('remembers at most its limit, forgetting the oldest first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'd']) ids.add(id);
    expect(ids.size).toBe(3);
    expect(ids.has('a')).toBe(false);
    expect(['b', 'c', 'd'].every((id) => ids.has(id))).toBe(true);
    ids.add('b');
    ids.add('e');
    expect(ids.has('b')).toBe(true);
    expect(ids.has('c')).toBe(false);
    expect(() => new RecentIds(0)).toThrow(/'limit'/);
  });
});
