import { startHarness } from '../helpers/harness';
import type { Harness } from '../helpers/harness';

/** Client registration of redirect-based clients: each bad value is refused, naming the field, and creates nothing. */
describe('public and redirect-based clients (admin API)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('memory');
    await h.createTenant('acme');
  });
  afterAll(() => h.close());

  const create = (body: Record<string, unknown>) => h.admin('POST', '/admin/tenants/acme/clients', { resources: ['https://api.example.com'], ...body });

  test('a public client gets no secret and defaults to authorization_code + refresh_token', async () => {
    const created = await create({ client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:3000/cb'] });
    expect(created.status).toBe(201);
    expect(created.json.client_secret).toBeUndefined();
    expect(created.json).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:3000/cb'] });
  });

  test('confidential clients keep client_credentials by default', async () => {
    const created = await create({});
    expect(created.json.grant_types).toEqual(['client_credentials']);
    expect(created.json.client_secret).toEqual(expect.any(String));
  });

  test.each([
    [{ token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] }, 'cannot use client_credentials'],
    [{ token_endpoint_auth_method: 'none' }, 'redirect_uris must name at least one URI'],
    [{ grant_types: ['authorization_code'], redirect_uris: ['http://app.example.com/cb'] }, 'redirect_uris[0] must use https'],
    [{ grant_types: ['authorization_code'], redirect_uris: ['https://app.example.com/cb#frag'] }, 'redirect_uris[0] must not contain a fragment'],
    [{ grant_types: ['authorization_code'], redirect_uris: ['/relative'] }, 'redirect_uris[0] must be an absolute URI'],
    [{ grant_types: ['refresh_token'] }, 'refresh_token needs authorization_code'],
    [{ redirect_uris: ['https://app.example.com/cb'] }, 'only for clients with the authorization_code grant'],
    [{ grant_types: ['authorization_code'], redirect_uris: ['https://a.example/cb'], post_logout_redirect_uris: ['ftp://a.example/'] }, 'post_logout_redirect_uris[0] must use https'],
  ])('%j is refused: %s', async (body, message) => {
    const refused = await create({ client_id: 'refused', ...body });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('invalid_client_metadata');
    expect(refused.json.error_description).toContain(message);
    expect(await h.store.findClient('acme', 'refused')).toBeUndefined();
  });

  test('an unknown grant type is refused by the schema, naming the field', async () => {
    const refused = await create({ grant_types: ['password'] });
    expect(refused.status).toBe(400);
    expect(refused.json.error_description).toContain('grant_types');
  });
});
