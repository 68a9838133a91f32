import { randomBytes } from 'node:crypto';
import { AdminCredential } from '../../../runtime/src/admin/admin-credential';

describe('AdminCredential', () => {
  test('matches only the exact token', () => {
    const token = randomBytes(32).toString('base64url');
    const credential = new AdminCredential(token);
    expect(credential.matches(token)).toBe(true);
    expect(credential.matches(token.slice(0, -1))).toBe(false);
    expect(credential.matches(`${token} `)).toBe(false);
    expect(credential.matches('')).toBe(false);
    expect(() => new AdminCredential('short')).toThrow(/at least 32/);
  });
});
