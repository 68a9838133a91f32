/**
 * Every acknowledged compliance finding in brandstack, with its reason. This
 * is the only place findings are acknowledged: a reviewer reads this file to
 * learn every deliberate exception to the AwsSolutions, NIST 800-53 rev5,
 * PCI DSS 3.2.1 and HIPAA Security packs.
 *
 * Each entry names the rules, the constructs it applies to (a pattern over the
 * construct path below the stack), and why the finding does not apply or is
 * accepted.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export interface Acknowledgement {
  /** Rule ids, or `RuleId[FindingId]` for one finding of a rule. */
  readonly rules: readonly string[];
  /** Matches the construct path relative to its stack, e.g. `Network/AppVpc/...`. */
  readonly path: RegExp;
  readonly reason: string;
}

export const ACKNOWLEDGEMENTS: readonly Acknowledgement[] = [];

/**
 * Applies every acknowledgement to the matching constructs under `root`. An
 * acknowledgement covers a construct's whole subtree, so a match below an
 * already-matched construct is skipped.
 */
export function applyAcknowledgements(root: IConstruct, acknowledgements: readonly Acknowledgement[] = ACKNOWLEDGEMENTS): void {
  for (const ack of acknowledgements) {
    if (!ack.reason.trim()) throw new Error(`Acknowledgement of ${ack.rules.join(', ')} has no reason`);
    const matched: string[] = [];
    for (const construct of root.node.findAll()) {
      const path = construct.node.path;
      if (matched.some((prefix) => path.startsWith(`${prefix}/`))) continue;
      const stack = Stack.of(construct);
      if (!ack.path.test(path.slice(stack.node.path.length + 1))) continue;
      matched.push(path);
      for (const id of ack.rules) Validations.of(construct).acknowledge({ id, reason: ack.reason });
    }
  }
}
