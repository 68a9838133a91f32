/**
 * Tenant ids appear in issuer URLs (`<base>/t/<tenant>`), metric labels and log lines; a
 * DNS-label alphabet keeps them safe in all three without escaping.
 */
export const TENANT_ID = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}
