import { randomBytes } from 'node:crypto';
import { SecretHasher } from '../../../runtime/src/clients/secret-hasher';

describe('SecretHasher', () => {
  const hasher = new SecretHasher(randomBytes(32));

  test('generated secrets carry 256 bits and never repeat', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => SecretHasher.generateSecret()));
    expect(secrets.size).toBe(1000);
    for (const s of secrets) expect(Buffer.from(s, 'base64url')).toHaveLength(32);
  });

  test('verifies the right secret only', () => {
    const secret = SecretHasher.generateSecret();
    const hash = hasher.hash(secret);
    expect(hasher.verify(secret, hash)).toBe(true);
    expect(hasher.verify(`${secret}x`, hash)).toBe(false);
    expect(hasher.verify('', hash)).toBe(false);
    expect(hasher.verify(secret, Buffer.alloc(16))).toBe(false);
  });

  test('the hash depends on the pepper, so a stolen table cannot be used without it', () => {
    const secret = SecretHasher.generateSecret();
    expect(new SecretHasher(randomBytes(32)).hash(secret)).not.toEqual(hasher.hash(secret));
    expect(() => new SecretHasher(randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});
