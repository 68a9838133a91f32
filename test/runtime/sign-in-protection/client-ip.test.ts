import { ConfigError } from '../../../runtime/src/errors/operator-errors';
import { parseEmbeddedConfig } from '../../../runtime/src/config/embedded-config';
import { snsTopicArn, trustedProxies } from '../../../runtime/src/config/env';
import { clientIp, normalizeIp } from '../../../runtime/src/sign-in-protection/client-ip';
import { InvalidCidr, TrustedProxies } from '../../../runtime/src/sign-in-protection/trusted-proxies';

describe('client IP through trusted proxies only (RFC 7239 section 7.4)', () => {
  const ingress = TrustedProxies.parse('10.0.0.0/16, fd00:10::/64');

  test('nobody trusted (the default): the socket peer, whatever X-Forwarded-For says', () => {
    expect(clientIp('203.0.113.7', '198.51.100.1', TrustedProxies.none)).toBe('203.0.113.7');
    expect(clientIp('10.0.0.5', '198.51.100.1', TrustedProxies.none)).toBe('10.0.0.5');
  });

  test('a spoofed X-Forwarded-For from an untrusted peer changes nothing', () => {
    expect(clientIp('203.0.113.7', '10.0.0.9, 198.51.100.1', ingress)).toBe('203.0.113.7');
    expect(clientIp('203.0.113.7', undefined, ingress)).toBe('203.0.113.7');
  });

  test('from a trusted proxy: the rightmost address that is not a trusted proxy', () => {
    // The client wrote "1.1.1.1" itself; the ingress appended the real peer 198.51.100.1.
    expect(clientIp('10.0.0.5', '1.1.1.1, 198.51.100.1', ingress)).toBe('198.51.100.1');
    // Two trusted hops are skipped.
    expect(clientIp('10.0.0.5', '1.1.1.1, 198.51.100.1, 10.0.3.4', ingress)).toBe('198.51.100.1');
    // Several headers arrive as a list.
    expect(clientIp('10.0.0.5', ['1.1.1.1', '198.51.100.1'], ingress)).toBe('198.51.100.1');
  });

  test('a trusted proxy without X-Forwarded-For, or with only trusted hops, yields the last hop examined', () => {
    expect(clientIp('10.0.0.5', undefined, ingress)).toBe('10.0.0.5');
    expect(clientIp('10.0.0.5', '10.0.7.7', ingress)).toBe('10.0.7.7');
  });

  test('garbage in X-Forwarded-For stops the walk at the last hop vouched for', () => {
    expect(clientIp('10.0.0.5', 'evil, not-an-ip', ingress)).toBe('10.0.0.5');
    expect(clientIp('10.0.0.5', 'not-an-ip, 198.51.100.1', ingress)).toBe('198.51.100.1');
  });

  test('IPv6 and IPv4-mapped IPv6 addresses: trusted ranges match, and one spelling per address', () => {
    expect(clientIp('::ffff:10.0.0.5', '198.51.100.1', ingress)).toBe('198.51.100.1');
    expect(clientIp('::ffff:203.0.113.7', '198.51.100.1', ingress)).toBe('203.0.113.7');
    expect(clientIp('FD00:10::1', '2001:DB8:0:0::1', ingress)).toBe('2001:db8::1');
    expect(clientIp('fd00:10::1', '[2001:db8::2]:4711, 10.0.0.1', ingress)).toBe('2001:db8::2');
    expect(clientIp('10.0.0.5', '198.51.100.1:4711', ingress)).toBe('198.51.100.1');
    expect(normalizeIp('::ffff:c000:201')).toBe('192.0.2.1');
    expect(normalizeIp('fe80::1%eth0')).toBe('fe80::1');
    expect(normalizeIp('nonsense')).toBeUndefined();
  });

  test('CIDR lists: bare addresses are single hosts; malformed entries are named', () => {
    const single = TrustedProxies.parse('192.0.2.10');
    expect(single.includes('192.0.2.10')).toBe(true);
    expect(single.includes('192.0.2.11')).toBe(false);
    expect(TrustedProxies.parse('').cidrs).toEqual([]);
    for (const bad of ['10.0.0.0/33', '10.0.0/8', 'fd00::/129', 'example.com', '10.0.0.0/8/1', '10.0.0.0/x']) {
      expect(() => TrustedProxies.parse(`10.1.0.0/16,${bad}`)).toThrow(InvalidCidr);
      expect(() => TrustedProxies.parse(`10.1.0.0/16,${bad}`)).toThrow(`"${bad}"`);
    }
  });
});

describe('TRUSTED_PROXY_CIDRS and SECURITY_TOPIC_ARN configuration', () => {
  test('unset: nobody is trusted', () => {
    expect(trustedProxies({}, 'TRUSTED_PROXY_CIDRS').cidrs).toEqual([]);
    expect(parseEmbeddedConfig({}).trustedProxies.cidrs).toEqual([]);
  });

  test('a valid list is parsed; a bad one is refused naming the variable and the entry', () => {
    expect(parseEmbeddedConfig({ TRUSTED_PROXY_CIDRS: '10.0.0.0/16,fd00::/8' }).trustedProxies.cidrs).toEqual(['10.0.0.0/16', 'fd00::/8']);
    let error: unknown;
    try {
      parseEmbeddedConfig({ TRUSTED_PROXY_CIDRS: '10.0.0.0/16,10.0.0.300/32' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('TRUSTED_PROXY_CIDRS');
    expect((error as ConfigError).message).toMatch(/^TRUSTED_PROXY_CIDRS must be comma-separated IPv4 or IPv6 CIDRs .*"10\.0\.0\.300\/32"/);
  });

  test('SECURITY_TOPIC_ARN must be an SNS topic ARN', () => {
    expect(snsTopicArn({}, 'SECURITY_TOPIC_ARN')).toBeUndefined();
    expect(snsTopicArn({ SECURITY_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:brand-security' }, 'SECURITY_TOPIC_ARN')).toBe('arn:aws:sns:eu-west-1:123456789012:brand-security');
    expect(snsTopicArn({ SECURITY_TOPIC_ARN: 'arn:aws-us-gov:sns:us-gov-west-1:123456789012:t.fifo' }, 'SECURITY_TOPIC_ARN')).toBeDefined();
    for (const bad of ['arn:aws:sqs:eu-west-1:123456789012:q', 'arn:aws:sns:eu-west-1:1234:t', 'brand-security']) {
      expect(() => snsTopicArn({ SECURITY_TOPIC_ARN: bad }, 'SECURITY_TOPIC_ARN')).toThrow(/^SECURITY_TOPIC_ARN must be an SNS topic ARN/);
    }
  });
});
