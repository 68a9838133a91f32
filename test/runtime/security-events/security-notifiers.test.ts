import { Writable } from 'node:stream';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createSecurityNotifier } from '../../../runtime/src/security-events/create-security-notifier';
import { LogSecurityNotifier } from '../../../runtime/src/security-events/log-security-notifier';
import type { IpBlockedEvent } from '../../../runtime/src/security-events/security-notifier';
import { SnsSecurityNotifier } from '../../../runtime/src/security-events/sns-security-notifier';
import { createLogger } from '../../../runtime/src/support/logger';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:brand-security';

const event: IpBlockedEvent = {
  type: 'ip_blocked',
  tenantId: 'shop',
  ip: '198.51.100.7',
  failures: 5,
  blockSeconds: 900,
  at: new Date('2030-01-01T12:00:00Z'),
  distinctAccounts: 3,
};

function capturedLogger() {
  const lines: any[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination: sink }), lines };
}

describe('security notifiers', () => {
  const sns = mockClient(SNSClient);
  beforeEach(() => sns.reset());

  test('the log notifier writes one JSON line naming the blocked IP, with the whole event', async () => {
    const { logger, lines } = capturedLogger();
    await new LogSecurityNotifier(logger).notify(event);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      event: 'security.ip_blocked',
      msg: 'client IP 198.51.100.7 blocked for tenant shop',
      security_event: {
        type: 'ip_blocked',
        tenant: 'shop',
        ip: '198.51.100.7',
        failures: 5,
        block_seconds: 900,
        at: '2030-01-01T12:00:00.000Z',
        blocked_until: '2030-01-01T12:15:00.000Z',
        distinct_accounts: 3,
      },
    });
  });

  test('the SNS notifier publishes the event to the security topic, with a subject SNS accepts', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const { logger, lines } = capturedLogger();
    await new SnsSecurityNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC, logger }).notify(event);
    const calls = sns.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.TopicArn).toBe(TOPIC);
    expect(JSON.parse(input.Message!)).toEqual({
      type: 'ip_blocked',
      tenant: 'shop',
      ip: '198.51.100.7',
      failures: 5,
      block_seconds: 900,
      at: '2030-01-01T12:00:00.000Z',
      blocked_until: '2030-01-01T12:15:00.000Z',
      distinct_accounts: 3,
    });
    // https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: ASCII, no line breaks, under 100 characters.
    expect(input.Subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    expect(input.Subject).toContain('198.51.100.7');
    expect(lines).toEqual([]);
  });

  test('a long IPv6 address still gives a subject under 100 characters', async () => {
    sns.on(PublishCommand).resolves({});
    const { logger } = capturedLogger();
    const long = { ...event, ip: '2001:db8:1234:5678:9abc:def0:1234:5678', tenantId: 'a'.repeat(63) };
    await new SnsSecurityNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC, logger }).notify(long);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.Subject!.length).toBeLessThan(100);
  });

  test('a failed publish is logged with the event and thrown, so the event backbone delivers it again', async () => {
    sns.on(PublishCommand).rejects(new Error('AuthorizationError: not allowed to publish'));
    const { logger, lines } = capturedLogger();
    await expect(new SnsSecurityNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn: TOPIC, logger }).notify(event)).rejects.toThrow('not allowed to publish');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, event: 'security.notification_failed', security_event: { ip: '198.51.100.7', tenant: 'shop' } });
    expect(lines[0].err.message).toContain('not allowed to publish');
  });

  test('createSecurityNotifier: SNS in the topic region when a topic is configured, else the log', async () => {
    const { logger } = capturedLogger();
    expect(createSecurityNotifier({ logger })).toBeInstanceOf(LogSecurityNotifier);
    sns.on(PublishCommand).resolves({});
    const notifier = createSecurityNotifier({ topicArn: TOPIC, logger });
    expect(notifier).toBeInstanceOf(SnsSecurityNotifier);
    await notifier.notify(event);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect(await sns.commandCalls(PublishCommand)[0]!.thisValue.config.region()).toBe('eu-west-1');
  });
});
