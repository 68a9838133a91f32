import { postureRule } from '../rule';

/** Every control-plane log type EKS offers. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'];

/**
 * The control plane sends every log type to CloudWatch Logs: the audit log in
 * particular is the record of who did what to the cluster (NIST AU-2).
 * https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
 */
export const ControlPlaneLogsComplete = postureRule('cluster/control-plane-logs-complete', 'The EKS control plane logs every log type.', (facts) => {
  const cp = facts.cluster?.controlPlane;
  if (!cp) return [];
  const missing = CONTROL_PLANE_LOG_TYPES.filter((type) => !cp.logTypes.includes(type));
  return missing.length ? [{ resource: cp.name, reason: `control-plane logs off: ${missing.join(', ')}` }] : [];
});
