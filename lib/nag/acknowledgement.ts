/**
 * How a compliance finding is acknowledged: by what it is about (a CloudFormation
 * resource type inside a kind of construct, with a condition on its properties),
 * not by the construct ids a stack happens to use, so renaming `new Bastion(this,
 * 'Bastion')` neither drops an acknowledgement nor moves it onto something else.
 *
 * An acknowledgement that matches nothing is an error: it is either stale (the
 * resource is gone, and the exception with it) or mistyped (and the finding it was
 * meant for is not acknowledged); cdk-nag 3 refuses unused suppressions for the same reason.
 */
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** A class of construct, for {@link AcknowledgementTarget.within}. */
export type ConstructClass = abstract new (...args: never[]) => IConstruct;

/** What an acknowledgement applies to. Every given condition must hold. */
export interface AcknowledgementTarget {
  /**
   * CloudFormation type(s) of the acknowledged resources.
   * @default any type (then `within` is required)
   */
  readonly resourceType?: string | readonly string[];
  /**
   * Only resources inside a construct of this class (one of brandstack's or an
   * aws-cdk-lib L2), or inside a construct for which this returns true.
   * @default anywhere in the stacks the acknowledgement is applied to
   */
  readonly within?: ConstructClass | ((construct: IConstruct) => boolean);
  /**
   * A condition on the resource's CloudFormation properties, as synthesized.
   * @default none
   */
  readonly where?: (properties: Record<string, any>) => boolean;
}

export interface Acknowledgement {
  /** Rule ids, or `RuleId[FindingId]` for one finding of a rule. */
  readonly rules: readonly string[];
  /** The resources it applies to. */
  readonly appliesTo: AcknowledgementTarget;
  /** Why the finding does not apply or is accepted: an argument, not a label. */
  readonly reason: string;
  /**
   * Findings acknowledged by glob (`*` is any text), for finding ids that embed
   * generated logical ids, accounts or regions, e.g.
   * `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:*:log-group:/aws/codebuild/*]`:
   * cdk-nag 3 matches acknowledged ids exactly, so `rules` cannot name them.
   * @default none
   */
  readonly findingPatterns?: readonly string[];
  /**
   * The stacks the acknowledgement concerns, for a resource that only some
   * configurations create (e.g. the ExternalDNS role exists only for brands whose
   * DNS is a hosted zone). In the stacks it concerns, it must still match.
   * @default every stack it is applied to
   */
  readonly onlyIn?: (root: IConstruct) => boolean;
}

/** Thrown when an acknowledgement matches no resource of the stacks it was applied to. */
export class UnmatchedAcknowledgementError extends Error {
  readonly code = 'ERR_UNMATCHED_ACKNOWLEDGEMENT';
}

/**
 * Applies every acknowledgement to the matching resources of `roots` (a stack,
 * or a pipeline stack and its support stacks). Throws if an acknowledgement has
 * no reason or matches nothing across all of `roots`.
 */
export function applyAcknowledgements(roots: readonly IConstruct[], acknowledgements: readonly Acknowledgement[]): void {
  const resourcesOf = (of: readonly IConstruct[]) => of.flatMap((root) => root.node.findAll().filter(CfnResource.isCfnResource));
  const resources = resourcesOf(roots);
  for (const ack of acknowledgements) {
    const label = ack.rules.length > 0 ? ack.rules.join(', ') : (ack.findingPatterns ?? []).join(', ');
    if (!ack.reason.trim()) throw new UnmatchedAcknowledgementError(`Acknowledgement of ${label} has no reason`);
    if (ack.appliesTo.resourceType === undefined && ack.appliesTo.within === undefined) {
      throw new UnmatchedAcknowledgementError(`Acknowledgement of ${label} names neither a resourceType nor a construct it is within`);
    }
    const concerned = ack.onlyIn ? roots.filter(ack.onlyIn) : roots;
    if (concerned.length === 0) continue;
    const matched = (concerned === roots ? resources : resourcesOf(concerned)).filter((resource) => matches(ack.appliesTo, resource));
    if (matched.length === 0) {
      throw new UnmatchedAcknowledgementError(
        `Acknowledgement of ${label} matches no resource in ${concerned.map((root) => root.node.path || 'the app').join(', ')} (${describe(ack.appliesTo)}); remove it or correct its target`,
      );
    }
    for (const resource of matched) {
      for (const id of ack.rules) Validations.of(resource).acknowledge({ id, reason: ack.reason });
      for (const pattern of ack.findingPatterns ?? []) resource.node.addMetadata(ACKNOWLEDGED_FINDING_PATTERN, pattern);
    }
  }
}

function matches(target: AcknowledgementTarget, resource: CfnResource): boolean {
  if (target.resourceType !== undefined) {
    const types: readonly string[] = typeof target.resourceType === 'string' ? [target.resourceType] : target.resourceType;
    if (!types.includes(resource.cfnResourceType)) return false;
  }
  if (target.within !== undefined && !isWithin(resource, target.within)) return false;
  if (target.where !== undefined && !target.where(renderedProperties(resource))) return false;
  return true;
}

type RenderedTemplate = { Resources: Record<string, { Properties?: Record<string, unknown> }> };

/**
 * The resource's properties as they will be synthesized (what cdk-nag's rules read too).
 * aws-cdk-lib renders a resource with `_toCloudFormation()`, which is marked internal but is what
 * its own assertions library uses; a public L1 getter would give the props before overrides.
 * Rendered only for the few resources that already matched on type and scope.
 */
function renderedProperties(resource: CfnResource): Record<string, unknown> {
  const rendered = Stack.of(resource).resolve((resource as unknown as { _toCloudFormation(): RenderedTemplate })._toCloudFormation()) as RenderedTemplate;
  return Object.values(rendered.Resources)[0]?.Properties ?? {};
}

function isWithin(resource: IConstruct, within: NonNullable<AcknowledgementTarget['within']>): boolean {
  const test = isConstructClass(within) ? (construct: IConstruct) => construct instanceof within : within;
  for (let scope = resource.node.scope; scope; scope = scope.node.scope) if (test(scope)) return true;
  return false;
}

function isConstructClass(value: NonNullable<AcknowledgementTarget['within']>): value is ConstructClass {
  // Classes and predicates are both functions; only a class's source starts with `class`.
  return /^class\b/.test(Function.prototype.toString.call(value));
}

function describe(target: AcknowledgementTarget): string {
  const parts: string[] = [];
  if (target.resourceType !== undefined) parts.push(`type ${[target.resourceType].flat().join(' or ')}`);
  if (target.within !== undefined) parts.push(`within ${isConstructClass(target.within) ? target.within.name : 'a construct the predicate selects'}`);
  if (target.where !== undefined) parts.push('with the given properties');
  return parts.join(', ');
}

// Recorded by applyAcknowledgements, read by the compliance packs (lib/nag/compliance.ts).
const ACKNOWLEDGED_FINDING_PATTERN = 'brandstack:acknowledged-finding-pattern';

/** Whether `findingId` on `construct` is covered by a finding pattern on it or an ancestor. */
export function isAcknowledgedByPattern(construct: IConstruct, findingId: string): boolean {
  for (let current: IConstruct | undefined = construct; current; current = current.node.scope) {
    for (const entry of current.node.metadata) {
      if (entry.type === ACKNOWLEDGED_FINDING_PATTERN && globMatches(entry.data as string, findingId)) return true;
    }
  }
  return false;
}

function globMatches(pattern: string, text: string): boolean {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(text);
}

/** `where` helper: an IAM role whose trust policy names this service principal. */
export function assumedBy(service: string): (properties: Record<string, any>) => boolean {
  return (properties) =>
    (properties.AssumeRolePolicyDocument?.Statement ?? []).some((statement: { Principal?: { Service?: string | string[] } }) =>
      [statement.Principal?.Service ?? []].flat().includes(service),
    );
}
