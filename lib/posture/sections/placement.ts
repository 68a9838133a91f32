/** Where the stack lives: region, zones actually used by subnets, and its tags. */
import type { PostureInput } from '../template';

export interface PlacementPosture {
  readonly stackName: string;
  readonly region: string;
  /** Zones any subnet is placed in, as synthesized. */
  readonly zones: string[];
  /** The brand tags, as carried by the stack's taggable resources. */
  readonly tags: Record<string, string>;
  /** Taggable resources missing any of the brand tags (expected: none). */
  readonly untaggedResources: string[];
}

export const TAG_PREFIX = 'brandstack:';

export function placementPosture(input: PostureInput): PlacementPosture {
  const zones = new Set<string>();
  for (const [, subnet] of input.template.ofType('AWS::EC2::Subnet')) {
    const zone = subnet.Properties?.AvailabilityZone;
    if (typeof zone === 'string') zones.add(zone);
  }

  const tagged = input.template.all().map(([id, resource]) => [id, brandTagsOf(resource.Properties?.Tags)] as const);
  const tagSets = tagged.filter(([, tags]) => tags !== undefined) as Array<readonly [string, Record<string, string>]>;
  const tags = tagSets[0]?.[1] ?? {};
  const expected = JSON.stringify(tags);
  const untaggedResources = tagSets.filter(([, set]) => JSON.stringify(set) !== expected).map(([id]) => id);

  return { stackName: input.stackName, region: input.region, zones: [...zones].sort(), tags, untaggedResources };
}

/**
 * Brand tags of a resource. CloudFormation spells tags as a list of {Key, Value}
 * for most types and as a map for a few (EKS, SSM); undefined when untaggable.
 */
function brandTagsOf(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined) return undefined;
  const entries: Array<[string, string]> = Array.isArray(tags)
    ? tags.map((tag: { Key: string; Value: string }) => [tag.Key, tag.Value])
    : Object.entries(tags as Record<string, string>);
  return Object.fromEntries(entries.filter(([key]) => key.startsWith(TAG_PREFIX)).sort(([a], [b]) => a.localeCompare(b)));
}
