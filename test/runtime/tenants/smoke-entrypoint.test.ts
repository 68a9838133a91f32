/**
 * The bundled production entrypoint with SMOKE_TENANT, SMOKE_CLIENT_ID and SMOKE_CLIENT_SECRET,
 * as the cluster runs it: on an empty database the smoke client gets a token at once, a restart
 * finds it in place, and the secret never reaches the logs.
 */
import { productionEnv } from '../helpers/production-env';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { bundleRuntime } from '../../../runtime/build';
import { TEST_PG_URL, uniqueSchema } from '../helpers/postgres';
import { spawnEntrypoint } from '../helpers/processes';

const outdir = mkdtempSync(join(tmpdir(), 'bs-bundle-smoke-'));
let outfile: string;
beforeAll(async () => {
  ({ outfile } = await bundleRuntime(outdir));
});

test('a fresh database: the smoke client is provisioned at start, idempotently, without logging its secret', async () => {
  const pg = uniqueSchema();
  const secret = randomBytes(48).toString('base64url');
  const env = {
    ...productionEnv({ DATABASE_URL: TEST_PG_URL, DATABASE_SCHEMA: pg.schema, ISSUER_BASE_URL: 'https://eu-central-1.test.id.acme.example.com' }),
    SMOKE_TENANT: 'acme-retail',
    SMOKE_CLIENT_ID: 'smoke',
    SMOKE_CLIENT_SECRET: secret,
  };
  const issuer = 'https://eu-central-1.test.id.acme.example.com/t/acme-retail';
  const start = async () => {
    const proc = spawnEntrypoint(outfile, env);
    const provisioned = JSON.parse(await proc.waitForLine((l) => l.includes('smoke-test client provisioned')));
    const listening = JSON.parse(await proc.waitForLine((l) => l.includes('identity runtime listening')));
    return { proc, provisioned, base: listening.listening as string };
  };
  const token = (base: string) =>
    fetch(`${base}/t/acme-retail/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`smoke:${secret}`).toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
  try {
    const first = await start();
    try {
      expect(first.provisioned).toMatchObject({ tenant: 'acme-retail', client_id: 'smoke', tenant_created: true, client_created: true });
      const response = await token(first.base);
      expect(response.status).toBe(200);
      const { access_token: accessToken } = (await response.json()) as { access_token: string };
      const jwks = jose.createLocalJWKSet((await (await fetch(`${first.base}/t/acme-retail/jwks`)).json()) as jose.JSONWebKeySet);
      const { payload } = await jose.jwtVerify(accessToken, jwks, { issuer, audience: 'urn:brandstack:smoke', typ: 'at+jwt' });
      expect(payload.client_id).toBe('smoke');
      expect(await first.proc.stop()).toBe(0);
      expect(first.proc.stdout() + first.proc.stderr()).not.toContain(secret);
    } finally {
      await first.proc.stop();
    }

    const second = await start();
    try {
      expect(second.provisioned).toMatchObject({ tenant_created: false, client_created: false });
      expect((await token(second.base)).status).toBe(200);
      expect(await second.proc.stop()).toBe(0);
      expect(second.proc.stdout() + second.proc.stderr()).not.toContain(secret);
    } finally {
      await second.proc.stop();
    }
  } finally {
    await pg.drop();
  }
});
