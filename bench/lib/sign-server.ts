/**
 * Reference servers for bench/token.ts: the least an HTTP service can do per token, to show
 * what the HTTP stack costs around an RS256 signature. POST /token reads the form body, signs a
 * token-sized input with crypto.sign, and answers a token-sized JSON with no-store; no
 * authentication, no validation, no metrics. `node` uses node:http directly, `fastify` a bare
 * Fastify route. Prints {"port":…} once listening.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify from 'fastify';

const kind = process.argv[2];
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingInput = Buffer.alloc(520, 97); // the size of a demo access token's header.payload
const token = () => `${'a'.repeat(520)}.${sign('sha256', signingInput, privateKey).toString('base64url')}`;
const announce = (port: number) => process.stdout.write(`${JSON.stringify({ port })}\n`);

if (kind === 'node') {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const payload = JSON.stringify({ access_token: token(), token_type: 'Bearer', expires_in: 300, scope: body.length > 0 ? 'demo.read demo.write' : '' });
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(payload) });
      res.end(payload);
    });
  });
  server.listen(0, '127.0.0.1', () => announce((server.address() as { port: number }).port));
} else if (kind === 'fastify') {
  const app = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.post('/token', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { access_token: token(), token_type: 'Bearer', expires_in: 300, scope: 'demo.read demo.write' };
  });
  void app.listen({ host: '127.0.0.1', port: 0 }).then(() => announce((app.server.address() as { port: number }).port));
} else {
  throw new Error('usage: sign-server.ts node|fastify');
}
