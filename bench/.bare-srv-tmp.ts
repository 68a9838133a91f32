import Fastify from 'fastify';
const app = Fastify();
app.removeAllContentTypeParsers();
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) => done(null, { body }));
const tok = 'x'.repeat(900);
app.post('/p', async (_req, reply) => { reply.header('cache-control', 'no-store'); return { access_token: tok, token_type: 'Bearer', expires_in: 300 }; });
app.get('/h', async () => ({ status: 'live' }));
app.listen({ port: 18097, host: '127.0.0.1' }).then(() => console.log('{"ready":true}'));
