import { postureRule } from '../rule';
import type { Finding } from '../rule';
import { workloadName } from '../workloads/workload-name';

/**
 * A secret read from a file is mounted read-only, readable by its owner only,
 * and as a whole volume (not a subPath): the kubelet rewrites such files when the
 * Secret changes, and never those of a subPath mount, so a rotated database
 * password reaches running pods.
 * https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
 */
export const SecretFilesReadOnlyAndRefreshed = postureRule(
  'secrets/secret-files-read-only-and-refreshed',
  'Every secret file is mounted read-only, owner-only, and refreshed by the kubelet.',
  (facts) =>
    (facts.cluster?.workloads ?? []).flatMap((w) =>
      w.secrets.flatMap((s): Finding[] => {
        if (s.via.kind !== 'file') return [];
        const resource = `${workloadName(w)} ${s.setting}`;
        return [
          ...(s.via.readOnly ? [] : [{ resource, reason: `${s.via.path} is mounted writable` }]),
          ...(s.via.subPath ? [{ resource, reason: `${s.via.path} is a subPath mount, which the kubelet never refreshes` }] : []),
          ...((s.via.mode & 0o077) === 0 ? [] : [{ resource, reason: `${s.via.path} has mode ${s.via.mode.toString(8).padStart(4, '0')}: readable beyond its owner` }]),
        ];
      }),
    ),
);
