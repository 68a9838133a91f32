import { BRAND_TAGS } from '../../../config/naming';
import { postureRule } from '../rule';
import type { TaggedResource } from '../../facts/placement';

/** The tags every resource of a brand carries (lib/config/naming.ts). */
export const REQUIRED_BRAND_TAGS: readonly string[] = Object.values(BRAND_TAGS);

/** The stack's value of a tag: the one most of its resources carry. */
function stackValue(resources: readonly TaggedResource[], tag: string): string | undefined {
  const counts = new Map<string, number>();
  for (const r of resources) if (r.brandTags[tag] !== undefined) counts.set(r.brandTags[tag], (counts.get(r.brandTags[tag]) ?? 0) + 1);
  return [...counts].sort(([, a], [, b]) => b - a)[0]?.[0];
}

/**
 * Every taggable resource carries the brand, stage and residency tags, with the
 * stack's values: cost allocation, the AWS Backup volume selection and the
 * data-residency audit all select on them.
 * https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html
 */
export const BrandTagsOnEveryResource = postureRule('placement/brand-tags-on-every-resource', 'Every taggable resource carries the brand, stage and residency tags of the stack.', (facts) => {
  const resources = facts.placement.taggedResources;
  return REQUIRED_BRAND_TAGS.flatMap((tag) => {
    const expected = stackValue(resources, tag);
    return resources
      .filter((r) => expected === undefined || r.brandTags[tag] !== expected)
      .map((r) => ({ resource: r.logicalId, reason: r.brandTags[tag] === undefined ? `no ${tag} tag` : `${tag} is ${r.brandTags[tag]}, the stack's is ${expected}` }));
  });
});
