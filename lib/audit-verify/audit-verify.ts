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
import { AdminClientUsage, adminClientOptions, adminToken, TENANT_ID } from '../admin-client/admin-client';
import type { AdminClientOptions } from '../admin-client/admin-client';

export interface AuditVerifyOptions extends AdminClientOptions {
  tenant: string;
}

export type AuditVerifyOutcome =
  | { status: 'intact'; events: number }
  | { status: 'broken'; sequence: number; id: string | null; reason: string; description: string }
  | { status: 'unavailable'; message: string };

/** Flags → options; throws AdminClientUsage with a message naming the flag and what it accepts. */
export function auditVerifyOptions(flags: Map<string, string>, env: NodeJS.ProcessEnv): AuditVerifyOptions {
  const tenant = flags.get('tenant');
  if (tenant === undefined) throw new AdminClientUsage('--tenant is required: the tenant whose audit trail to verify');
  if (!TENANT_ID.test(tenant)) throw new AdminClientUsage(`--tenant '${tenant}' is not a tenant id: lower-case letters, digits and hyphens, at most 63`);
  return { tenant, ...adminClientOptions(flags, env) };
}

/** Gets a client_credentials token for the admin API, then the verification. */
export async function verifyAuditTrail(options: AuditVerifyOptions, fetchImpl: typeof fetch = fetch): Promise<AuditVerifyOutcome> {
  const obtained = await adminToken(options, fetchImpl);
  if ('failure' in obtained) return { status: 'unavailable', message: obtained.failure };
  const token = obtained.token;
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

