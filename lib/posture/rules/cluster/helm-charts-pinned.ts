import { postureRule } from '../rule';

/**
 * Every Helm chart is pinned to a version: an unpinned chart installs whatever
 * the repository serves at deploy time, so two deployments of one commit could
 * differ, and a compromised repository would be trusted at once.
 */
export const HelmChartsPinned = postureRule('cluster/helm-charts-pinned', 'Every Helm chart is pinned to a version.', (facts) =>
  (facts.cluster?.controlPlane.helmReleases ?? []).filter((h) => !h.version).map((h) => ({ resource: h.release, reason: `chart ${h.chart} from ${h.repository} is not pinned to a version` })),
);
