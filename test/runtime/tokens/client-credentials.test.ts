import { generateKeyPairSync } from 'node:crypto';
import { InvalidScope, InvalidTarget } from '../../../runtime/src/errors/oauth-errors';
import { rsaSigningKey } from '../../../runtime/src/keys/rsa-key';
import { accessTokenClaims } from '../../../runtime/src/tokens/access-token-claims';
import type { ClientCredentialsGrant } from '../../../runtime/src/tokens/access-token-claims';
import { issueAccessToken } from '../../../runtime/src/tokens/client-credentials';
import { TokenSigner } from '../../../runtime/src/tokens/token-signer';
import { verifyAccessToken } from '../../../runtime/src/tokens/token-verifier';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const key = rsaSigningKey(privateKey);
const signer = new TokenSigner(key.kid, key.privateKey);
const client = { clientId: 'svc', scopes: ['a', 'b'], resources: ['https://api.example', 'urn:example:b'], defaultResource: 'https://api.example', accessTokenTtl: 300 };
const grant = (change: Partial<ClientCredentialsGrant> = {}): ClientCredentialsGrant => ({
  issuer: 'https://id.example/t/acme',
  tenantId: 'acme',
  client,
  scope: undefined,
  resource: undefined,
  ...change,
});
const now = 1_700_000_000;

describe('accessTokenClaims (RFC 9068 section 2.2)', () => {
  test('a client_credentials token: the client is the subject, its TTL sets exp, every token has its own jti', () => {
    const claims = accessTokenClaims(grant(), now);
    expect(claims).toEqual({
      iss: 'https://id.example/t/acme',
      sub: 'svc',
      aud: 'https://api.example',
      exp: now + 300,
      iat: now,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_id: 'svc',
      scope: 'a b',
      tenant: 'acme',
    });
    expect(accessTokenClaims(grant(), now).jti).not.toBe(claims.jti);
  });

  test('requested scopes and resources narrow the token; unregistered ones are refused', () => {
    expect(accessTokenClaims(grant({ scope: 'b', resource: ['urn:example:b', 'https://api.example'] }), now)).toMatchObject({
      scope: 'b',
      aud: ['urn:example:b', 'https://api.example'],
    });
    expect(() => accessTokenClaims(grant({ scope: 'c' }), now)).toThrow(InvalidScope);
    expect(() => accessTokenClaims(grant({ resource: ['https://elsewhere.example'] }), now)).toThrow(InvalidTarget);
  });

  test('a client without scopes gets no scope claim at all, not an empty one', () => {
    const claims = accessTokenClaims(grant({ client: { ...client, scopes: [] } }), now);
    expect(JSON.parse(JSON.stringify(claims))).not.toHaveProperty('scope');
  });
});

describe('issueAccessToken (RFC 6749 section 4.4.3)', () => {
  test('answers the RFC 6749 section 5.1 members with a token the tenant verifies', () => {
    const response = issueAccessToken(grant({ scope: 'a' }), signer, now);
    expect(response).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'a' });
    const verified = verifyAccessToken(response.access_token, { publicKey: (kid) => (kid === key.kid ? publicKey : undefined) }, { issuer: 'https://id.example/t/acme', tenant: 'acme', nowSeconds: now });
    expect(verified).toMatchObject({ sub: 'svc', scope: 'a', exp: now + 300 });
  });

  test('without granted scopes the response leaves scope out', () => {
    const response = issueAccessToken(grant({ client: { ...client, scopes: [] } }), signer, now);
    expect(Object.keys(JSON.parse(JSON.stringify(response))).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
  });
});
