import { generateKeyPairSync } from 'node:crypto';
import * as jose from 'jose';
import { rsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import { TokenSigner } from '../../../runtime/src/tokens/token-signer';
import { verifyAccessToken } from '../../../runtime/src/tokens/token-verifier';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = rsaSigningKey(privateKey);
const signer = new TokenSigner(key.kid, key.privateKey);
const now = Math.floor(Date.now() / 1000);
const claims = { iss: 'https://id.example/t/a', sub: 'c1', aud: 'https://api.example', exp: now + 60, iat: now, jti: 'j1', client_id: 'c1', scope: 'x y', tenant: 'a' };
const keys = { publicKey: (kid: string) => (kid === key.kid ? publicKey : undefined) };
const expected = { issuer: claims.iss, tenant: 'a', nowSeconds: now };

describe('TokenSigner', () => {
  test('produces a compact RS256 JWS that jose verifies, with typ at+jwt and the kid', async () => {
    const token = signer.sign(claims);
    const { payload, protectedHeader } = await jose.jwtVerify(token, publicKey, { algorithms: ['RS256'], typ: 'at+jwt' });
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: key.kid });
    expect(payload).toEqual(claims);
  });
});

describe('verifyAccessToken', () => {
  test('accepts a token of this tenant and returns its claims', () => {
    expect(verifyAccessToken(signer.sign(claims), keys, expected)).toEqual(claims);
  });

  test.each([
    ['another issuer', { iss: 'https://id.example/t/b' }],
    ['another tenant claim', { tenant: 'b' }],
    ['an expired token', { exp: now }],
    ['no jti', { jti: undefined }],
  ])('rejects %s', (_name, change) => {
    expect(verifyAccessToken(signer.sign({ ...claims, ...change } as typeof claims), keys, expected)).toBeUndefined();
  });

  test('rejects a kid the tenant does not have, and malformed input', () => {
    expect(verifyAccessToken(signer.sign(claims), { publicKey: () => undefined }, expected)).toBeUndefined();
    for (const junk of ['', 'a', 'a.b', 'a.b.c.d', '!!.!!.!!', `${'a'.repeat(9000)}.b.c`]) {
      expect(verifyAccessToken(junk, keys, expected)).toBeUndefined();
    }
  });
});
