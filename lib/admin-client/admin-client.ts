/**
 * What the CLI's admin commands share (`brandstack audit verify`, `brandstack tenant
 * move-customer`): where the runtime is (`--url`: the admin API is not public, so a
 * `kubectl port-forward` through the bastion or the in-cluster service URL), and the admin
 * client's credentials: the platform administrator (`platform-admin` of tenant `platform`) or
 * another client with the authority (`--admin-tenant`, `--client-id`), its secret from
 * BRANDSTACK_ADMIN_CLIENT_SECRET or `--client-secret-file`, never a flag, so it stays out of shell
 * history and process lists.
 */
import { readFileSync } from 'node:fs';

/** Matches the runtime's tenant ids (runtime/src/identifiers/tenant-id.ts). */
export const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface AdminClientOptions {
  url: string;
  adminTenant: string;
  clientId: string;
  clientSecret: string;
}

/** A usage error: the message names the flag and what it accepts. */
export class AdminClientUsage extends Error {}

export function adminClientOptions(flags: Map<string, string>, env: NodeJS.ProcessEnv): AdminClientOptions {
  const url = flags.get('url');
  if (url === undefined) throw new AdminClientUsage('--url is required: the identity runtime as reachable from here, e.g. http://127.0.0.1:8080 after kubectl port-forward');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AdminClientUsage(`--url '${url}' is not an absolute URL; allowed: http:// or https://`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AdminClientUsage(`--url '${url}' must be http:// or https://`);
  const adminTenant = flags.get('admin-tenant') ?? 'platform';
  if (!TENANT_ID.test(adminTenant)) throw new AdminClientUsage(`--admin-tenant '${adminTenant}' is not a tenant id`);
  const clientId = flags.get('client-id') ?? 'platform-admin';
  const file = flags.get('client-secret-file');
  let clientSecret = env.BRANDSTACK_ADMIN_CLIENT_SECRET;
  if (file !== undefined) {
    try {
      clientSecret = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new AdminClientUsage(`--client-secret-file '${file}' cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
    }
  }
  if (!clientSecret) throw new AdminClientUsage('the client secret is required: set BRANDSTACK_ADMIN_CLIENT_SECRET or pass --client-secret-file');
  return { url: parsed.toString().replace(/\/+$/, ''), adminTenant, clientId, clientSecret };
}

/** A client_credentials access token for the admin API (resource urn:brandstack:admin, RFC 8707), or why there is none. */
export async function adminToken(options: AdminClientOptions, fetchImpl: typeof fetch = fetch): Promise<{ token: string } | { failure: string }> {
  try {
    const response = await fetchImpl(`${options.url}/t/${options.adminTenant}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        // RFC 6749 §2.3.1: form-encode both parts before Basic.
        authorization: `Basic ${Buffer.from(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`).toString('base64')}`,
      },
      body: `grant_type=client_credentials&resource=${encodeURIComponent('urn:brandstack:admin')}`,
    });
    const body = (await response.json().catch(() => ({}))) as { access_token?: string; error?: string; error_description?: string };
    if (!body.access_token) return { failure: `no admin token from ${options.url}/t/${options.adminTenant}/token: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim() };
    return { token: body.access_token };
  } catch (error) {
    return { failure: `${options.url} cannot be reached: ${(error as Error).message}` };
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
