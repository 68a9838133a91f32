import { postureRule } from '../rule';
import { workloadName } from './workload-name';

/**
 * No workload gets a Kubernetes API token it does not use: the runtime never
 * calls the API (its AWS identity is EKS Pod Identity), so a mounted token would
 * only serve an attacker.
 * https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting
 */
export const ServiceAccountTokenNotMounted = postureRule('workloads/service-account-token-not-mounted', 'No workload mounts a service account token.', (facts) =>
  (facts.cluster?.workloads ?? []).filter((w) => w.serviceAccountTokenMounted).map((w) => ({ resource: workloadName(w), reason: 'the service account token is mounted' })),
);
