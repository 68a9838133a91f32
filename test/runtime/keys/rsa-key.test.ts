import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { rsaSigningKey } from '../../../runtime/src/keys/rsa-key';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = rsaSigningKey(privateKey);

describe('rsaSigningKey', () => {
  test('refuses keys below 2048 bits, public keys and non-RSA keys', () => {
    expect(() => rsaSigningKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)).toThrow(/at least 2048 bits/);
    expect(() => rsaSigningKey(publicKey)).toThrow(/RSA private key/);
    expect(() => rsaSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(/RSA private key/);
  });

  test('the kid is the RFC 7638 thumbprint', async () => {
    expect(key.kid).toBe(await jose.calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as jose.JWK));
  });
});
