/**
 * Posture facts of the example brand stacks, for tests that call the rules, and
 * a deep-mutable view of facts, so a test can plant one problem in a copy.
 */
import { postureFactsOfArtifact, type PostureFacts } from '../../lib/posture';
import { synthTarget, type SynthTarget } from '../helpers/synth';

const memo = new Map<string, PostureFacts>();

/** The facts of one example target's BrandStack (synthesized once per jest run). */
export function factsOf(target: SynthTarget): PostureFacts {
  const key = `${target.brand}-${target.stage}-${target.region ?? 'home'}`;
  let facts = memo.get(key);
  if (!facts) {
    facts = postureFactsOfArtifact(synthTarget(target).artifact);
    memo.set(key, facts);
  }
  return facts;
}

export type Mutable<T> = T extends ReadonlyArray<infer U> ? Array<Mutable<U>> : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;

/** A deep copy of facts that a test may change. */
export function copyOf(facts: PostureFacts): Mutable<PostureFacts> {
  return structuredClone(facts) as Mutable<PostureFacts>;
}

/** The one element matching `predicate`; fails the test when there is not exactly one. */
export function only<T>(items: readonly T[], predicate: (item: T) => boolean, what: string): T {
  const found = items.filter(predicate);
  if (found.length !== 1) throw new Error(`expected exactly one ${what}, found ${found.length}`);
  return found[0];
}
