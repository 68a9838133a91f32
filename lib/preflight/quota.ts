/**
 * Reads a quota's value for the account and region: the applied value, or
 * AWS's default where the account has none recorded.
 * https://docs.aws.amazon.com/servicequotas/2019-06-24/apireference/API_GetServiceQuota.html
 */
import { GetAWSDefaultServiceQuotaCommand, GetServiceQuotaCommand } from '@aws-sdk/client-service-quotas';
import { callAws, isNotFound } from './check';
import type { PreflightContext } from './context';

export interface QuotaRef {
  readonly serviceCode: string;
  readonly quotaCode: string;
  /** The name Service Quotas shows, e.g. `VPCs per Region`. */
  readonly name: string;
}

export async function quotaValue({ clients, target }: PreflightContext, quota: QuotaRef): Promise<number> {
  const region = target.region.code;
  const input = { ServiceCode: quota.serviceCode, QuotaCode: quota.quotaCode };
  try {
    const applied = await callAws('servicequotas:GetServiceQuota', region, () => clients.quotas.send(new GetServiceQuotaCommand(input)));
    if (applied.Quota?.Value !== undefined) return applied.Quota.Value;
  } catch (error) {
    if (!isNotFound(error, 'NoSuchResourceException')) throw error;
  }
  const standard = await callAws('servicequotas:GetAWSDefaultServiceQuota', region, () => clients.quotas.send(new GetAWSDefaultServiceQuotaCommand(input)));
  if (standard.Quota?.Value === undefined) throw new Error(`Service Quotas returned no value for ${quota.serviceCode}/${quota.quotaCode} in ${region}`);
  return standard.Quota.Value;
}

/** `2 in use + 3 needed = 5 <= quota 5`, and whether it fits. */
export function compareWithQuota(inUse: number, needed: number, quota: number): { holds: boolean; compared: string } {
  const total = inUse + needed;
  const holds = total <= quota;
  return { holds, compared: `${inUse} in use + ${needed} needed = ${total} ${holds ? '<=' : '>'} quota ${quota}` };
}
