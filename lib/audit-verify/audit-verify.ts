/**
 * `brandstack audit verify --tenant <id> --url <runtime>`: asks a running identity runtime to
 * recompute a tenant's audit hash chain (GET /admin/tenants/<id>/audit/verify, issue 13 §4) and
 * names the first broken link. The admin API is not public (lib/charts: only /t/, /.well-known/
 * and /healthz/ready are routed), so `--url` is what reaches the service from where the command
 * runs: `kubectl port-forward` through the bastion, or the service URL inside the cluster.
 *
 * Credentials: the platform administrator's client (`platform-admin` in tenant `platform`) or
 * any client holding audit:read in the tenant (`--admin-tenant`, `--client-id`), with its secret
 * from BRANDSTACK_ADMIN_CLIENT_SECRET or `--client-secret-file`; never a flag, so it stays out of
 * shell history and process lists.
 */
import { readFileSync } from 'node:fs';

/** Matches the runtime's tenant ids (runtime/src/identifiers/tenant-id.ts). */
const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export interface AuditVerifyOptions {
  tenant: string;
  url: string;
  adminTenant: string;
  clientId: string;
  clientSecret: string;
}

export type AuditVerifyOutcome =
  | { status: 'intact'; events: number }
  | { status: 'broken'; sequence: number; id: string | null; reason: string; description: string }
  | { status: 'unavailable'; message: string };

/** Flags → options; throws Error with a message naming the flag and what it accepts. */
export function auditVerifyOptions(flags: Map<string, string>, env: NodeJS.ProcessEnv): AuditVerifyOptions {
  const tenant = flags.get('tenant');
  if (tenant === undefined) throw new AuditVerifyUsage('--tenant is required: the tenant whose audit trail to verify');
  if (!TENANT_ID.test(tenant)) throw new AuditVerifyUsage(`--tenant '${tenant}' is not a tenant id: lower-case letters, digits and hyphens, at most 63`);
  const url = flags.get('url');
  if (url === undefined) throw new AuditVerifyUsage('--url is required: the identity runtime as reachable from here, e.g. http://127.0.0.1:8080 after kubectl port-forward');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AuditVerifyUsage(`--url '${url}' is not an absolute URL; allowed: http:// or https://`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new AuditVerifyUsage(`--url '${url}' must be http:// or https://`);
  const adminTenant = flags.get('admin-tenant') ?? 'platform';
  if (!TENANT_ID.test(adminTenant)) throw new AuditVerifyUsage(`--admin-tenant '${adminTenant}' is not a tenant id`);
  const clientId = flags.get('client-id') ?? 'platform-admin';
  const file = flags.get('client-secret-file');
  let clientSecret = env.BRANDSTACK_ADMIN_CLIENT_SECRET;
  if (file !== undefined) {
    try {
      clientSecret = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new AuditVerifyUsage(`--client-secret-file '${file}' cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`);
    }
  }
  if (!clientSecret) throw new AuditVerifyUsage('the client secret is required: set BRANDSTACK_ADMIN_CLIENT_SECRET or pass --client-secret-file');
  return { tenant, url: parsed.toString().replace(/\/+$/, ''), adminTenant, clientId, clientSecret };
}

export class AuditVerifyUsage extends Error {}

/** Gets a client_credentials token for the admin API, then the verification. */
export async function verifyAuditTrail(options: AuditVerifyOptions, fetchImpl: typeof fetch = fetch): Promise<AuditVerifyOutcome> {
  let token: string;
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
    if (!body.access_token) return { status: 'unavailable', message: `no admin token from ${options.url}/t/${options.adminTenant}/token: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim() };
    token = body.access_token;
  } catch (error) {
    return { status: 'unavailable', message: `${options.url} cannot be reached: ${(error as Error).message}` };
  }
  const response = await fetchImpl(`${options.url}/admin/tenants/${options.tenant}/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200) return { status: 'unavailable', message: `verification refused: ${response.status} ${String(body['error'] ?? '')} ${String(body['error_description'] ?? '')}`.trim() };
  if (body['ok'] === true) return { status: 'intact', events: Number(body['events']) };
  const brokenAt = body['brokenAt'] as { sequence: number; id: string | null };
  return { status: 'broken', sequence: brokenAt.sequence, id: brokenAt.id, reason: String(body['reason']), description: String(body['description']) };
}

export function formatAuditVerification(tenant: string, outcome: AuditVerifyOutcome): string {
  switch (outcome.status) {
    case 'intact':
      return `audit trail of tenant ${tenant}: intact, ${outcome.events} events, every hash recomputed\n`;
    case 'broken':
      return `audit trail of tenant ${tenant}: BROKEN at sequence ${outcome.sequence}${outcome.id ? ` (event ${outcome.id})` : ''}: ${outcome.reason}: ${outcome.description}\n`;
    case 'unavailable':
      return `audit trail of tenant ${tenant}: not verified: ${outcome.message}\n`;
  }
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}
