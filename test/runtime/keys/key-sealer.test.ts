import { randomBytes } from 'node:crypto';
import { KeySealer } from '../../../runtime/src/keys/key-sealer';
import { generateRsaSigningKey } from '../../../runtime/src/keys/rsa-key';

describe('KeySealer', () => {
  test('round-trips a private key, and refuses another tenant, kid, KEK or a flipped bit', async () => {
    const key = await generateRsaSigningKey();
    const sealer = new KeySealer(randomBytes(32));
    const sealed = sealer.sealSync(key.privateKey, 't1', key.kid);
    expect(sealer.openSync(sealed, 't1', key.kid).export({ format: 'jwk' })).toEqual(key.privateKey.export({ format: 'jwk' }));
    expect(() => sealer.openSync(sealed, 't2', key.kid)).toThrow(/could not be decrypted/);
    expect(() => sealer.openSync(sealed, 't1', 'other')).toThrow(/could not be decrypted/);
    expect(() => new KeySealer(randomBytes(32)).openSync(sealed, 't1', key.kid)).toThrow(/could not be decrypted/);
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => sealer.openSync(tampered, 't1', key.kid)).toThrow(/could not be decrypted/);
    expect(() => sealer.openSync(Buffer.alloc(10), 't1', key.kid)).toThrow(/could not be decrypted/);
    // A fresh IV each time: sealing twice gives different blobs.
    expect(sealer.sealSync(key.privateKey, 't1', key.kid).equals(sealed)).toBe(false);
  });
});
