import { randomBytes } from 'node:crypto';
import { AccountPseudonyms } from '../../../runtime/src/sign-in-protection/account-pseudonyms';
import { signInLog } from '../../../runtime/src/sign-in-protection/sign-in-log';

function recorder() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  return {
    lines,
    logger: {
      info: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'info', obj, msg }),
      warn: (obj: Record<string, unknown>, msg: string) => void lines.push({ level: 'warn', obj, msg }),
    } as never,
  };
}

describe('sign-in logging (issue 12 item 7)', () => {
  const pseudonyms = new AccountPseudonyms(randomBytes(32));

  test('tenant, client IP, outcome and reason; the username only as a keyed hash', () => {
    const { lines, logger } = recorder();
    signInLog(logger, pseudonyms, { tenantId: 'shop', ip: '198.51.100.7', outcome: 'failure', reason: 'bad_password', account: 'Alice@Example.com', userId: 'u1' });
    signInLog(logger, pseudonyms, { tenantId: 'shop', ip: '198.51.100.7', outcome: 'success', reason: 'ok', account: 'alice@example.com', userId: 'u1' });
    expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
    expect(lines[0]!.obj).toEqual({
      event: 'sign_in',
      tenant: 'shop',
      client_ip: '198.51.100.7',
      outcome: 'failure',
      reason: 'bad_password',
      account: pseudonyms.of('shop', 'alice@example.com'),
      user_id: 'u1',
    });
    // The same account (case-insensitively) gets the same pseudonym, so attempts correlate.
    expect(lines[1]!.obj['account']).toBe(lines[0]!.obj['account']);
    expect(JSON.stringify(lines).toLowerCase()).not.toContain('alice');
  });

  test('pseudonyms depend on the key and the tenant, and cannot be recomputed without the key', () => {
    const other = new AccountPseudonyms(randomBytes(32));
    expect(pseudonyms.of('shop', 'alice')).not.toBe(other.of('shop', 'alice'));
    expect(pseudonyms.of('shop', 'alice')).not.toBe(pseudonyms.of('bank', 'alice'));
    expect(pseudonyms.of('shop', 'alice')).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const pepper = randomBytes(32);
    expect(AccountPseudonyms.derivedFrom(pepper).of('shop', 'alice')).toBe(AccountPseudonyms.derivedFrom(pepper).of('shop', 'alice'));
    expect(() => new AccountPseudonyms(randomBytes(16))).toThrow(/at least 32 bytes/);
  });

  test('a blocked attempt and a client authentication failure are labelled as such', () => {
    const { lines, logger } = recorder();
    signInLog(logger, pseudonyms, { tenantId: 'shop', ip: '198.51.100.7', outcome: 'blocked', reason: 'ip_blocked', account: 'alice' });
    signInLog(logger, pseudonyms, { tenantId: 'shop', ip: '198.51.100.8', outcome: 'failure', reason: 'invalid_client', account: 'svc', kind: 'client_authentication', clientId: 'svc' });
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'sign-in refused: client IP blocked', obj: { outcome: 'blocked', reason: 'ip_blocked' } });
    expect(lines[1]!.obj).toMatchObject({ event: 'client_authentication', client_id: 'svc', reason: 'invalid_client' });
  });
});
