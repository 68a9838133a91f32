/**
 * MongoTrailConnection with a scripted opener standing in for MongoDB (no MongoDB server here; the
 * process test runs it against a real one when BRANDSTACK_TEST_MONGO_URL is set): opening in the
 * background with backoff, reopening after the server refuses the credentials, and shutting down.
 */
import { isAuthenticationFailure, MongoTrailConnection } from '../../../runtime/src/audit-writer/mongo-trail-connection';
import type { OpenedTrail } from '../../../runtime/src/audit-writer/mongo-trail-connection';
import { MemoryAuditTrail } from '../../../runtime/src/store/audit/memory-audit-trail';
import { auditChain, uniqueTenant } from './audit-records';

/** What MongoServerError carries when authentication fails. */
const authenticationFailed = () => Object.assign(new Error('Authentication failed.'), { code: 18, codeName: 'AuthenticationFailed' });

/** A connection whose trail is a MemoryAuditTrail, with a switch to make its next calls fail. */
function connection(name: string, log: string[]) {
  const trail = new MemoryAuditTrail();
  let failNext: Error | undefined;
  const opened: OpenedTrail & { failNextWith(error: Error): void; closed: boolean } = {
    closed: false,
    trail: {
      record: async (r) => {
        if (failNext) {
          const error = failNext;
          failNext = undefined;
          throw error;
        }
        return trail.record(r);
      },
      query: (t, q) => trail.query(t, q),
      verify: (t) => trail.verify(t),
    },
    ping: async () => {
      if (opened.closed) throw new Error(`${name} is closed`);
    },
    close: async () => {
      opened.closed = true;
      log.push(`closed ${name}`);
    },
    failNextWith: (error) => {
      failNext = error;
    },
  };
  return opened;
}

describe('MongoTrailConnection', () => {
  it('opens in the background, retrying with growing waits; writes wait for it and readiness fails meanwhile', async () => {
    const log: string[] = [];
    const attempts: number[] = [];
    const first = connection('first', log);
    const trail = new MongoTrailConnection({
      retryBaseMs: 40,
      open: async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error('connect ECONNREFUSED 10.11.0.5:27017');
        return first;
      },
    });
    await expect(trail.ping()).rejects.toThrow('the audit trail is not open yet');
    const [record] = auditChain(uniqueTenant('acme'), 1);
    const write = trail.record(record!);
    trail.start();
    expect(await write).toBe('recorded');
    expect(attempts).toHaveLength(3);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(attempts[1]! - attempts[0]! + 20);
    expect(trail.isOpen).toBe(true);
    await expect(trail.ping()).resolves.toBeUndefined();
    await trail.close();
    expect(log).toEqual(['closed first']);
  });

  it('reopens, with the URL read again, when MongoDB refuses the credentials; the refused write fails so its message is retried', async () => {
    const log: string[] = [];
    const connections = [connection('first', log), connection('second', log)];
    let opens = 0;
    const trail = new MongoTrailConnection({ retryBaseMs: 10, open: async () => connections[opens++]! });
    trail.start();
    const [one, two] = auditChain(uniqueTenant('acme'), 2);
    expect(await trail.record(one!)).toBe('recorded');

    connections[0]!.failNextWith(authenticationFailed());
    await expect(trail.record(two!)).rejects.toThrow('Authentication failed.');
    expect(log).toEqual(['closed first']);
    // The retried write goes to the new connection.
    expect(await trail.record(two!)).toBe('recorded');
    expect(opens).toBe(2);
    expect((await connections[1]!.trail.query(two!.event.tenant, { limit: 10 })).events.map((e) => e.id)).toEqual([two!.event.id]);
    await trail.close();
    expect(log).toEqual(['closed first', 'closed second']);
  });

  it('keeps its connection on any other failure', async () => {
    const log: string[] = [];
    const only = connection('only', log);
    let opens = 0;
    const trail = new MongoTrailConnection({ open: async () => (opens++, only) });
    trail.start();
    const [record] = auditChain(uniqueTenant('acme'), 1);
    only.failNextWith(Object.assign(new Error('not primary'), { code: 10107 }));
    await expect(trail.record(record!)).rejects.toThrow('not primary');
    expect(await trail.record(record!)).toBe('recorded');
    expect(opens).toBe(1);
    expect(log).toEqual([]);
    await trail.close();
  });

  it('stopOpening() fails the writes waiting for a trail that never opened, without waiting out the backoff', async () => {
    const trail = new MongoTrailConnection({
      retryBaseMs: 60_000,
      open: async () => {
        throw new Error('connect ETIMEDOUT');
      },
    });
    trail.start();
    const [record] = auditChain(uniqueTenant('acme'), 1);
    const write = trail.record(record!);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    trail.stopOpening();
    await expect(write).rejects.toThrow('the audit trail connection is closed');
    expect(Date.now() - started).toBeLessThan(1000);
    await trail.close();
    await expect(trail.record(record!)).rejects.toThrow('the audit trail connection is closed');
  });

  it('recognises an authentication failure directly or as the cause of another error', () => {
    expect(isAuthenticationFailure(authenticationFailed())).toBe(true);
    expect(isAuthenticationFailure(new Error('server selection timed out', { cause: authenticationFailed() }))).toBe(true);
    expect(isAuthenticationFailure(Object.assign(new Error('E11000 duplicate key'), { code: 11000 }))).toBe(false);
    expect(isAuthenticationFailure('18')).toBe(false);
  });
});
