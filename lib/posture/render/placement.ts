/** Placement lines: region, zones, the brand tags and resources missing them. */
import type { PlacementFacts } from '../facts/placement';

export interface PlacementPosture {
  readonly stackName: string;
  readonly region: string;
  /** Zones any subnet is placed in, as synthesized. */
  readonly zones: string[];
  /** The brand tags, as carried by the stack's taggable resources. */
  readonly tags: Record<string, string>;
  /** Taggable resources whose brand tags differ from the others' (expected: none). */
  readonly untaggedResources: string[];
}

export function renderPlacement(facts: PlacementFacts): PlacementPosture {
  const tags = { ...(facts.taggedResources[0]?.brandTags ?? {}) };
  const expected = JSON.stringify(tags);
  return {
    stackName: facts.stackName,
    region: facts.region,
    zones: [...facts.zones],
    tags,
    untaggedResources: facts.taggedResources.filter((r) => JSON.stringify(r.brandTags) !== expected).map((r) => r.logicalId),
  };
}
