import { postureRule } from '../rule';
import type { SecurityContextFacts } from '../../facts/cluster';
import { workloadName } from './workload-name';

/** The problems of one container's effective security context (the container's settings over the pod's). */
function problems(pod: SecurityContextFacts | undefined, container: SecurityContextFacts | undefined): string[] {
  const runAsNonRoot = container?.runAsNonRoot ?? pod?.runAsNonRoot;
  const runAsUser = container?.runAsUser ?? pod?.runAsUser;
  const seccomp = container?.seccompProfile ?? pod?.seccompProfile;
  return [
    ...(runAsNonRoot === true && runAsUser !== 0 ? [] : ['may run as root (runAsNonRoot is not true, or uid 0)']),
    ...(container?.readOnlyRootFilesystem === true ? [] : ['root filesystem is writable']),
    ...(container?.allowPrivilegeEscalation === false ? [] : ['privilege escalation is allowed']),
    ...(container?.privileged ? ['runs privileged'] : []),
    ...(container?.drop?.includes('ALL') ? [] : ['does not drop ALL capabilities']),
    ...(container?.add?.length ? [`adds capabilities ${container.add.join(', ')}`] : []),
    ...(seccomp === 'RuntimeDefault' || seccomp === 'Localhost' ? [] : [`seccomp profile ${seccomp ?? 'unset (Unconfined)'}`]),
  ];
}

/**
 * Every container runs as non-root, on a read-only root filesystem, without
 * privilege escalation or privilege, with ALL capabilities dropped and a seccomp
 * profile: the `restricted` Pod Security Standard plus a read-only root, so a
 * compromised process can neither gain privileges nor persist files.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export const ContainersHardened = postureRule('workloads/containers-hardened', 'Every container is non-root, read-only root, no privilege escalation, drops ALL, seccomp RuntimeDefault.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) =>
    w.containers.flatMap((c) => problems(w.podSecurityContext, c.securityContext).map((reason) => ({ resource: `${workloadName(w)} container ${c.name}`, reason }))),
  ),
);
