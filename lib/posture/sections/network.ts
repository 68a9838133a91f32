/**
 * @deprecated The network section as it was imported before lib/posture became
 * facts/, render/ and rules/. Import from `lib/posture` instead; kept until the
 * last importers outside lib/posture move.
 */
import { networkFacts } from '../facts/network';
import { renderNetwork, type NetworkPosture } from '../render/network';
import type { PostureInput } from '../template';

export { formatRule, parseRule, type IngressRule, type NetworkPosture } from '../render/network';

export function networkPosture(input: PostureInput): NetworkPosture {
  return renderNetwork(networkFacts(input.template));
}
