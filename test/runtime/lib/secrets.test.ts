import { randomBytes } from 'node:crypto';
import { AdminCredential } from '../../../runtime/src/lib/admin-credential';
import { KeySealer } from '../../../runtime/src/lib/key-sealer';
import { generateRsaSigningKey } from '../../../runtime/src/lib/rsa-key';
import { SecretHasher } from '../../../runtime/src/lib/secret-hasher';

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

describe('KeySealer', () => {
  test('round-trips a private key, and refuses another tenant, kid, KEK or a flipped bit', async () => {
    const key = await generateRsaSigningKey();
    const sealer = new KeySealer(randomBytes(32));
    const sealed = sealer.seal(key.privateKey, 't1', key.kid);
    expect(sealer.open(sealed, 't1', key.kid).export({ format: 'jwk' })).toEqual(key.privateKey.export({ format: 'jwk' }));
    expect(() => sealer.open(sealed, 't2', key.kid)).toThrow(/could not be decrypted/);
    expect(() => sealer.open(sealed, 't1', 'other')).toThrow(/could not be decrypted/);
    expect(() => new KeySealer(randomBytes(32)).open(sealed, 't1', key.kid)).toThrow(/could not be decrypted/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => sealer.open(tampered, 't1', key.kid)).toThrow(/could not be decrypted/);
    expect(() => sealer.open(Buffer.alloc(10), 't1', key.kid)).toThrow(/could not be decrypted/);
    // A fresh IV each time: sealing twice gives different blobs.
    expect(sealer.seal(key.privateKey, 't1', key.kid).equals(sealed)).toBe(false);
  });
});
