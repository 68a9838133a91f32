/** Where the stack lives: region, the zones its subnets use, and the brand tags its resources carry. */
import { BRAND_TAGS } from '../../../config/naming';
import type { TemplateView } from '../../template';

/** Tags the stack puts on every taggable resource start with this (BRAND_TAGS, lib/config/naming.ts). */
export const TAG_PREFIX = 'brandstack:';
/** The tag naming the brand. */
export const BRAND_TAG = BRAND_TAGS.brand;

export interface TaggedResource {
  readonly logicalId: string;
  /** Its `brandstack:*` tags, sorted by key. */
  readonly brandTags: Readonly<Record<string, string>>;
}

export interface PlacementFacts {
  readonly stackName: string;
  readonly region: string;
  /** Zones any subnet is placed in, sorted. */
  readonly zones: readonly string[];
  /** Every resource that carries tags (in list or map form), by logical id. */
  readonly taggedResources: readonly TaggedResource[];
  /** The brand the tags name, when they name one. */
  readonly brand?: string;
}

export function placementFacts(view: TemplateView, stackName: string, region: string): PlacementFacts {
  const zones = new Set<string>();
  for (const [, subnet] of view.ofType('AWS::EC2::Subnet')) {
    const zone = subnet.Properties?.AvailabilityZone;
    if (typeof zone === 'string') zones.add(zone);
  }
  const taggedResources = view.all().flatMap(([logicalId, resource]) => {
    const brandTags = brandTagsOf(resource.Properties?.Tags);
    return brandTags ? [{ logicalId, brandTags }] : [];
  });
  return { stackName, region, zones: [...zones].sort(), taggedResources, brand: taggedResources.find((r) => r.brandTags[BRAND_TAG])?.brandTags[BRAND_TAG] };
}

/**
 * Brand tags of a resource. CloudFormation spells tags as a list of {Key, Value}
 * for most types and as a map for a few (EKS, SSM); undefined when untaggable.
 */
function brandTagsOf(tags: unknown): Record<string, string> | undefined {
  if (typeof tags !== 'object' || tags === null) return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(tags)
    ? tags.map((tag: { readonly Key?: unknown; readonly Value?: unknown }) => [String(tag.Key), tag.Value])
    : Object.entries(tags);
  return Object.fromEntries(
    entries
      .filter((entry): entry is [string, string] => entry[0].startsWith(TAG_PREFIX) && typeof entry[1] === 'string')
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}
