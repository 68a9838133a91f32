/**
 * The shape of a posture rule, after cdk-nag's (`NagRuleCompliance`): typed
 * facts in; compliant, or each violation with the resource it names and why.
 * One rule per file under rules/<concern>/, named for what it checks, with a
 * doc comment that says why.
 */
import type { PostureFacts } from '../facts';

export interface Violation {
  /** The id of the rule that found it. */
  readonly rule: string;
  /** What is non-compliant: a resource, key alias, security group, workload `<namespace>/<name>` ... */
  readonly resource: string;
  readonly reason: string;
}

export type RuleResult = { readonly compliant: true } | { readonly compliant: false; readonly violations: readonly Violation[] };

export interface PostureRule {
  /** `<concern>/<file name>`. */
  readonly id: string;
  /** What the rule requires, in a sentence. */
  readonly description: string;
  check(facts: PostureFacts): RuleResult;
}

/** A finding before the rule's id is attached. */
export interface Finding {
  readonly resource: string;
  readonly reason: string;
}

/** A rule from the findings it reports; no finding is compliance. */
export function postureRule(id: string, description: string, findings: (facts: PostureFacts) => readonly Finding[]): PostureRule {
  return {
    id,
    description,
    check(facts) {
      const found = findings(facts);
      return found.length === 0 ? { compliant: true } : { compliant: false, violations: found.map((f) => ({ rule: id, ...f })) };
    },
  };
}
