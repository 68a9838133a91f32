import type { SecurityEvent, SecurityNotifier } from '../../../runtime/src/security-events/security-notifier';
import { createSignInProtection } from '../../../runtime/src/sign-in-protection/create-sign-in-protection';
import type { AttemptSubject } from '../../../runtime/src/sign-in-protection/sign-in-guard';
import { DEFAULT_SIGN_IN_POLICY, InvalidSignInPolicy, signInPolicies } from '../../../runtime/src/sign-in-protection/sign-in-policy';
import type { StoredSignInGuard } from '../../../runtime/src/sign-in-protection/stored-sign-in-guard';
import type { IdentityStore } from '../../../runtime/src/store/identity-store';
import { PostgresStore } from '../../../runtime/src/store/postgres/postgres-store';
import { attemptStoreFor } from '../../../runtime/src/store/sign-in-attempts/attempt-store-for';
import { ManualClock, STORE_KINDS } from '../helpers/harness';
import { TEST_PG_URL } from '../helpers/postgres';
import { openStore } from '../users/user-fixtures';

class RecordingNotifier implements SecurityNotifier {
  readonly events: SecurityEvent[] = [];
  async notify(event: SecurityEvent): Promise<void> {
    this.events.push(event);
  }
}

const silent = { warn: () => undefined, error: () => undefined };

describe.each(STORE_KINDS)('sign-in guard over the %s store', (kind) => {
  let identity: IdentityStore;
  let close: () => Promise<void>;
  let schema: string | undefined;
  let clock: ManualClock;
  let notifier: RecordingNotifier;
  let guard: StoredSignInGuard;
  let ipSeq = 0;
  const at = () => new Date(clock.now());
  /** A fresh IP per test, so tests share the store but not counters. */
  const nextIp = () => `198.51.100.${++ipSeq}`;
  const subject = (ip: string, account = 'alice', tenantId = 'shop'): AttemptSubject => ({ tenantId, ip, accountKey: `key-${account}`, kind: 'sign_in' });

  const fail = async (ip: string, times: number, account?: string) => {
    let last;
    for (let i = 0; i < times; i++) last = await guard.recordFailure(subject(ip, account ?? `acct${i % 3}`), at());
    return last!;
  };

  beforeAll(async () => {
    ({ store: identity, close, schema } = await openStore(kind));
  });
  afterAll(() => close());
  beforeEach(() => {
    clock = new ManualClock();
    notifier = new RecordingNotifier();
    guard = createSignInProtection({ store: attemptStoreFor(identity), clock, notifier, logger: silent });
  });

  test('5 consecutive failures block the IP for 15 minutes, with one security event naming it and counting accounts', async () => {
    const ip = nextIp();
    expect(await fail(ip, 4)).toEqual({ blocked: false });
    expect(await guard.check('shop', ip, at())).toEqual({ blocked: false });
    const fifth = await guard.recordFailure(subject(ip, 'mallory'), at());
    expect(fifth).toMatchObject({ blocked: true, retryAfterSeconds: 900 });
    expect(await guard.check('shop', ip, at())).toMatchObject({ blocked: true, retryAfterSeconds: 900 });
    await guard.notificationsSettled();
    expect(notifier.events).toEqual([
      { type: 'ip_blocked', tenantId: 'shop', ip, failures: 5, blockSeconds: 900, at: expect.any(Date), distinctAccounts: 4 },
    ]);
    // Other IPs and other tenants are not blocked.
    expect(await guard.check('shop', nextIp(), at())).toEqual({ blocked: false });
    expect(await guard.check('other', ip, at())).toEqual({ blocked: false });
    // Retry-After counts down and the block ends.
    clock.advance(600);
    expect(await guard.check('shop', ip, at())).toMatchObject({ blocked: true, retryAfterSeconds: 300 });
    clock.advance(300);
    expect(await guard.check('shop', ip, at())).toEqual({ blocked: false });
  });

  test('failures during a block count for nothing and start no second event', async () => {
    const ip = nextIp();
    await fail(ip, 5);
    expect(await fail(ip, 7)).toMatchObject({ blocked: true });
    await guard.notificationsSettled();
    expect(notifier.events).toHaveLength(1);
  });

  test('repeat blocks double, up to 24 hours', async () => {
    const ip = nextIp();
    const lengths: number[] = [];
    for (let i = 0; i < 9; i++) {
      const decision = await fail(ip, 5);
      if (!decision.blocked) throw new Error('expected a block');
      lengths.push(decision.retryAfterSeconds);
      clock.advance(decision.retryAfterSeconds);
    }
    expect(lengths).toEqual([900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400]);
    await guard.notificationsSettled();
    expect(notifier.events.map((e) => e.blockSeconds)).toEqual(lengths);
  });

  test('after a quiet day the doubling starts over', async () => {
    const ip = nextIp();
    await fail(ip, 5);
    clock.advance(900 + 24 * 3600 + 1);
    expect(await fail(ip, 5)).toMatchObject({ blocked: true, retryAfterSeconds: 900 });
  });

  test('a success resets the IP counter', async () => {
    const ip = nextIp();
    await fail(ip, 4);
    await guard.recordSuccess(subject(ip, 'alice'), at());
    expect(await fail(ip, 4)).toEqual({ blocked: false });
    expect(await guard.recordFailure(subject(ip), at())).toMatchObject({ blocked: true });
  });

  test('failures more than 15 minutes after the first start a new count', async () => {
    const ip = nextIp();
    await fail(ip, 4);
    clock.advance(15 * 60 + 1);
    expect(await fail(ip, 4)).toEqual({ blocked: false });
    expect(await guard.recordFailure(subject(ip), at())).toMatchObject({ blocked: true });
  });

  test('per account: a progressive delay (0 for 3 failures, then 250 ms doubling up to 8 s), never a block', async () => {
    const delays: number[] = [];
    for (let i = 0; i < 10; i++) {
      delays.push(await guard.accountDelayMs('shop', 'key-victim', at()));
      // Each failure from another IP: the account is attacked from everywhere.
      await guard.recordFailure(subject(nextIp(), 'victim'), at());
    }
    delays.push(await guard.accountDelayMs('shop', 'key-victim', at()));
    expect(delays).toEqual([0, 0, 0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000]);
    // The victim's own IP is not blocked, and after its success the delay is gone.
    const home = nextIp();
    expect(await guard.check('shop', home, at())).toEqual({ blocked: false });
    await guard.recordSuccess(subject(home, 'victim'), at());
    expect(await guard.accountDelayMs('shop', 'key-victim', at())).toBe(0);
    // The delay is per tenant.
    await fail(nextIp(), 5, 'victim');
    expect(await guard.accountDelayMs('other', 'key-victim', at())).toBe(0);
  });

  test('the account delay fades 15 minutes after the last failure', async () => {
    await fail(nextIp(), 4, 'fading');
    expect(await guard.accountDelayMs('shop', 'key-fading', at())).toBe(250);
    clock.advance(15 * 60 + 1);
    expect(await guard.accountDelayMs('shop', 'key-fading', at())).toBe(0);
  });

  test('a per-tenant policy override applies to that tenant only', async () => {
    const strict = createSignInProtection({
      store: attemptStoreFor(identity),
      clock,
      notifier,
      logger: silent,
      policy: signInPolicies(new Map([['vault', { maxConsecutiveFailures: 2, blockSeconds: 60 }]])),
    });
    const ip = nextIp();
    await strict.recordFailure(subject(ip, 'a', 'vault'), at());
    expect(await strict.recordFailure(subject(ip, 'a', 'vault'), at())).toMatchObject({ blocked: true, retryAfterSeconds: 60 });
    await strict.recordFailure(subject(ip, 'a', 'shop'), at());
    expect(await strict.recordFailure(subject(ip, 'a', 'shop'), at())).toEqual({ blocked: false });
    expect(() => signInPolicies(new Map([['vault', { maxConsecutiveFailures: 0 }]]))).toThrow(InvalidSignInPolicy);
    expect(() => signInPolicies(new Map([['vault', { maxBlockSeconds: 10 }]]))).toThrow(/maxBlockSeconds must be at least blockSeconds/);
    expect(DEFAULT_SIGN_IN_POLICY).toMatchObject({ maxConsecutiveFailures: 5, failureWindowSeconds: 900, blockSeconds: 900, maxBlockSeconds: 86400 });
  });

  test('a notifier that throws does not fail the request, and the block holds', async () => {
    const errors: unknown[] = [];
    const broken = createSignInProtection({
      store: attemptStoreFor(identity),
      clock,
      notifier: { notify: async () => Promise.reject(new Error('down')) },
      logger: { warn: () => undefined, error: (obj: unknown) => void errors.push(obj) },
    });
    const ip = nextIp();
    for (let i = 0; i < 4; i++) await broken.recordFailure(subject(ip), at());
    expect(await broken.recordFailure(subject(ip), at())).toMatchObject({ blocked: true });
    await broken.notificationsSettled();
    expect(errors).toHaveLength(1);
    expect(await broken.check('shop', ip, at())).toMatchObject({ blocked: true });
  });

  test('an unavailable store fails open and is logged: the guard never fails a request', async () => {
    const logged: unknown[] = [];
    const down = () => Promise.reject(new Error('connection refused'));
    const broken = createSignInProtection({
      store: { updateIp: down, findIpBlock: down, resetIpFailures: down, recordAccountFailure: down, accountFailures: down, resetAccount: down, purge: down },
      clock,
      notifier,
      logger: { warn: (obj: unknown) => void logged.push(obj), error: (obj: unknown) => void logged.push(obj) },
    });
    const ip = nextIp();
    expect(await broken.check('shop', ip, at())).toEqual({ blocked: false });
    expect(await broken.accountDelayMs('shop', 'key-x', at())).toBe(0);
    expect(await broken.recordFailure(subject(ip), at())).toEqual({ blocked: false });
    await expect(broken.recordSuccess(subject(ip), at())).resolves.toBeUndefined();
    expect(logged).toHaveLength(4);
  });

  test('purge drops counters past retention but keeps active blocks', async () => {
    const blocked = nextIp();
    const idle = nextIp();
    await fail(idle, 2);
    await fail(blocked, 5);
    // Far later, a block that is still running (a fresh one) must survive a purge.
    clock.advance(3 * 24 * 3600);
    const fresh = nextIp();
    await fail(fresh, 5);
    await guard.purgeExpired(at());
    expect(await guard.check('shop', fresh, at())).toMatchObject({ blocked: true });
    // The old, finished block is forgotten: the next block of that IP is a first one again.
    expect(await fail(blocked, 5)).toMatchObject({ blocked: true, retryAfterSeconds: 900 });
  });

  if (kind === 'postgres') {
    describe('two replicas sharing PostgreSQL', () => {
      let other: PostgresStore;
      beforeAll(async () => {
        other = await PostgresStore.connect({ connectionString: TEST_PG_URL, schema: schema!, maxConnections: 4 });
      });
      afterAll(() => other.close());

      test('concurrent failures on both replicas are all counted: exactly one block and one event', async () => {
        const replicaB = createSignInProtection({ store: attemptStoreFor(other), clock, notifier, logger: silent });
        const ip = nextIp();
        await Promise.all([
          ...[0, 1].map((i) => guard.recordFailure(subject(ip, `a${i}`), at())),
          ...[2, 3].map((i) => replicaB.recordFailure(subject(ip, `a${i}`), at())),
        ]);
        expect(await guard.check('shop', ip, at())).toEqual({ blocked: false });
        const results = await Promise.all([
          ...[0, 1, 2].map(() => guard.recordFailure(subject(ip, 'a4'), at())),
          ...[0, 1, 2].map(() => replicaB.recordFailure(subject(ip, 'a5'), at())),
        ]);
        expect(results.every((r) => r.blocked)).toBe(true);
        await Promise.all([guard.notificationsSettled(), replicaB.notificationsSettled()]);
        expect(notifier.events).toHaveLength(1);
        expect(notifier.events[0]).toMatchObject({ failures: 5, ip });
        expect(notifier.events[0]!.distinctAccounts).toBeGreaterThanOrEqual(5);
      });

      test('a block started on one replica is enforced by the other within the cache bound (2 s)', async () => {
        const replicaB = createSignInProtection({ store: attemptStoreFor(other), clock, notifier, logger: silent });
        expect(replicaB.cacheSeconds).toBe(2);
        const ip = nextIp();
        expect(await replicaB.check('shop', ip, at())).toEqual({ blocked: false }); // cached "not blocked"
        await fail(ip, 5);
        expect(await guard.check('shop', ip, at())).toMatchObject({ blocked: true }); // the blocking replica: at once
        expect(await replicaB.check('shop', ip, at())).toEqual({ blocked: false }); // within the bound: still cached
        clock.advance(2);
        expect(await replicaB.check('shop', ip, at())).toMatchObject({ blocked: true });
      });
    });
  }
});
