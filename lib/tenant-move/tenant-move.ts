/**
 * `brandstack tenant move-customer --tenant <id> --customer <id> --url <runtime> [--batch <n>]`:
 * moves a tenant's personal data to another customer's key (issue 14 §6) by calling the runtime's
 * resumable step (POST /admin/tenants/<id>/customer-move) until it is done, printing progress
 * after each step. Interrupted, it is simply run again: the runtime keeps how far it got.
 */
import { AdminClientUsage, adminClientOptions, adminToken, TENANT_ID } from '../admin-client/admin-client';
import type { AdminClientOptions } from '../admin-client/admin-client';

export interface TenantMoveOptions extends AdminClientOptions {
  tenant: string;
  customer: string;
  batch: number;
}

export function tenantMoveOptions(flags: Map<string, string>, env: NodeJS.ProcessEnv): TenantMoveOptions {
  const tenant = flags.get('tenant');
  if (tenant === undefined || !TENANT_ID.test(tenant)) throw new AdminClientUsage(`--tenant ${tenant === undefined ? 'is required' : `'${tenant}' is not a tenant id`}: lower-case letters, digits and hyphens, at most 63`);
  const customer = flags.get('customer');
  if (customer === undefined || !TENANT_ID.test(customer)) throw new AdminClientUsage(`--customer ${customer === undefined ? 'is required' : `'${customer}' is not a customer id`}: one of the brand file's customers`);
  const batchFlag = flags.get('batch') ?? '200';
  const batch = Number(batchFlag);
  if (!Number.isInteger(batch) || batch < 1 || batch > 1000) throw new AdminClientUsage(`--batch '${batchFlag}' must be an integer from 1 to 1000`);
  return { tenant, customer, batch, ...adminClientOptions(flags, env) };
}

/** 0 moved, 2 not moved (said why); progress lines go to `out`. */
export async function moveTenant(options: TenantMoveOptions, out: (line: string) => void, err: (line: string) => void, fetchImpl: typeof fetch = fetch): Promise<number> {
  const obtained = await adminToken(options, fetchImpl);
  if ('failure' in obtained) {
    err(`tenant ${options.tenant}: not moved: ${obtained.failure}\n`);
    return 2;
  }
  let total = 0;
  for (let step = 1; ; step++) {
    const response = await fetchImpl(`${options.url}/admin/tenants/${options.tenant}/customer-move`, {
      method: 'POST',
      headers: { authorization: `Bearer ${obtained.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ customer: options.customer, batch: options.batch }),
    });
    const body = (await response.json().catch(() => ({}))) as { moved?: number; done?: boolean; from?: string; error?: string; error_description?: string };
    if (response.status !== 200) {
      err(`tenant ${options.tenant}: step ${step} refused: ${response.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim() + ' (run again to resume)\n');
      return 2;
    }
    total += body.moved ?? 0;
    out(`tenant ${options.tenant}: ${body.from} → ${options.customer}: step ${step}, ${total} users re-wrapped${body.done ? ', done' : ''}\n`);
    if (body.done) return 0;
  }
}
