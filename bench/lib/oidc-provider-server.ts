/**
 * The peer for bench/token.ts: node-oidc-provider 9 set up as an authorization server for
 * client_credentials with RS256 JWT access tokens (RFC 9068), as close to the identity runtime's
 * token path as its configuration allows. One static confidential client (client_secret_basic),
 * one RSA-2048 signing key, the resource indicators feature (RFC 8707) giving every token one
 * resource server with `accessTokenFormat: 'jwt'`, and the default in-memory adapter.
 * Prints {"port":…,"issuer":…,"client_id":…,"client_secret":…,"resource":…,"scope":…} once listening.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

const RESOURCE = 'https://api.bench.example';
const SCOPE = 'demo.read demo.write';
const clientId = 'bench-client';
const clientSecret = randomBytes(32).toString('base64url');
const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'bench-rs256', use: 'sig', alg: 'RS256' };

async function main(): Promise<void> {
  // The issuer (and so `iss`) names the port, known only once listening: listen first, then
  // hand the server's requests to the provider.
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: SCOPE,
      },
    ],
    jwks: { keys: [signingKey] },
    scopes: SCOPE.split(' '),
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== RESOURCE) throw new Error(`unknown resource ${resourceIndicator}`);
          return { scope: SCOPE, audience: RESOURCE, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ port, issuer, client_id: clientId, client_secret: clientSecret, resource: RESOURCE, scope: SCOPE })}\n`);
}

void main();
