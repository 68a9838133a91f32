import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { actionMatches } from '../../../posture/rules/keys/iam-actions';
import { isObject, referenceOf, StackTemplate, textOf, type RenderedResource } from '../../template/stack-template';

const PREFIXES = ['codestar-connections', 'codeconnections'] as const;
type Prefix = (typeof PREFIXES)[number];

/** A connection ARN (or an ARN pattern) under either service prefix. */
const CONNECTION_ARN = /^arn:([^:]+):(codestar-connections|codeconnections):([^:]*):([^:]*):connection\/(.+)$/;

/**
 * Whoever may use a source connection may use it under both service prefixes:
 * an identity (role, user, group) allowed `codestar-connections:UseConnection`
 * on a connection is also allowed `codeconnections:UseConnection` on it, and
 * the other way round, each on the connection's ARN written with that action's
 * own prefix (or a pattern covering it, such as `*`). A grant on a pattern
 * (`*`) asks for the other prefix on the same pattern: the case Landing Zone
 * Accelerator reported.
 *
 * AWS renamed CodeStar Connections to CodeConnections: "Actions and resources
 * for the codestar-connections service prefix remain available. When
 * specifying a resource in the IAM policy, the service prefix needs to match
 * that of the resource", and the console has created `codeconnections` ARNs
 * since July 1, 2024 (https://docs.aws.amazon.com/dtconsole/latest/userguide/rename.html).
 * aws-cdk-lib's CodeStarConnectionsSourceAction grants only
 * `codestar-connections:UseConnection`, on the ARN as given, whatever its
 * prefix. The field report: Landing Zone Accelerator's pipeline role, granted
 * only the old prefix, failed its source stage with "the provided role ... does
 * not have sufficient permissions" until both prefixes were granted
 * (awslabs/landing-zone-accelerator-on-aws #828; again in #1083).
 *
 * Checked per identity, over every policy of the stack attached to it (inline
 * policies, AWS::IAM::Policy, AWS::IAM::ManagedPolicy), and reported on each
 * policy that grants one prefix without the other.
 */
export function ConnectionUseGrantedUnderBothPrefixes(node: CfnResource): NagRuleResult {
  const template = StackTemplate.of(node);
  const resource = template.resource(node);
  const own = policyDocuments(resource);
  if (own.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const grantedResources = [...new Set(own.flatMap(connectionGrants))];
  if (grantedResources.length === 0) return NagRuleCompliance.NOT_APPLICABLE;

  const findings = new Set<string>();
  const identities = identitiesOf(template, resource);
  // A policy attached to no identity of this stack is judged on its own documents.
  for (const identity of identities.length > 0 ? identities : [undefined]) {
    const documents = identity === undefined ? own : policiesOf(template, identity).flatMap(policyDocuments);
    for (const granted of grantedResources) {
      for (const prefix of PREFIXES) {
        const wanted = withPrefix(granted, prefix);
        if (!documents.some((document) => allowsUse(document, prefix, wanted))) findings.add(`${prefix}:UseConnection::${wanted}`);
      }
    }
  }
  return findings.size > 0 ? [...findings] : NagRuleCompliance.COMPLIANT;
}

type Statement = Record<string, any>;

function statementsOf(document: unknown): Statement[] {
  if (!isObject(document)) return [];
  const statements = document.Statement;
  return (Array.isArray(statements) ? statements : [statements]).filter(isObject);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * The resources (as text) a document allows some UseConnection on, under either
 * prefix: connection ARNs, and patterns that may cover one (`*`, or an ARN whose
 * service is a connection prefix or a wildcard).
 */
function connectionGrants(document: unknown): string[] {
  const granted: string[] = [];
  for (const statement of statementsOf(document)) {
    if (statement.Effect !== 'Allow' || statement.NotAction !== undefined) continue;
    const actions = list(statement.Action).map(String);
    // `*` alone grants both prefixes with everything else; it is no connection grant of its own.
    if (!PREFIXES.some((prefix) => actions.some((pattern) => pattern !== '*' && actionMatches(pattern, `${prefix}:UseConnection`)))) continue;
    for (const resource of list(statement.Resource).map(textOf)) {
      if (resource === '*' || CONNECTION_ARN.test(resource) || /^arn:[^:]*:[^:]*\*[^:]*:/.test(resource)) granted.push(resource);
    }
  }
  return granted;
}

/** The same resource under `prefix`: a connection ARN's service segment swapped; any other pattern as it is. */
function withPrefix(resource: string, prefix: Prefix): string {
  const match = CONNECTION_ARN.exec(resource);
  return match ? `arn:${match[1]}:${prefix}:${match[3]}:${match[4]}:connection/${match[5]}` : resource;
}

/** Whether a document allows `<prefix>:UseConnection` on `arn` (a resource pattern covers it as an IAM glob; `*` covers `*`). */
function allowsUse(document: unknown, prefix: Prefix, arn: string): boolean {
  return statementsOf(document).some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const action = `${prefix}:UseConnection`;
    const actionAllowed = statement.NotAction !== undefined
      ? !list(statement.NotAction).some((pattern) => actionMatches(String(pattern), action))
      : list(statement.Action).some((pattern) => actionMatches(String(pattern), action));
    return actionAllowed && list(statement.Resource).some((resource) => actionMatches(textOf(resource), arn));
  });
}

/** The policy documents a resource carries: an inline Policies list, or its PolicyDocument. */
function policyDocuments(resource: RenderedResource): unknown[] {
  switch (resource.type) {
    case 'AWS::IAM::Policy':
    case 'AWS::IAM::ManagedPolicy':
      return [resource.properties.PolicyDocument];
    case 'AWS::IAM::Role':
    case 'AWS::IAM::User':
    case 'AWS::IAM::Group':
      return list(resource.properties.Policies).filter(isObject).map((policy) => policy.PolicyDocument);
    default:
      return [];
  }
}

/** An identity: a role, user or group, by logical id (of this stack) or by its literal name. */
type Identity = string;

const ATTACHMENT_PROPERTIES = { Roles: 'role', Users: 'user', Groups: 'group' } as const;

/** The identities a policy-bearing resource applies to. */
function identitiesOf(template: StackTemplate, resource: RenderedResource): Identity[] {
  if (['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group'].includes(resource.type)) return [resource.logicalId];
  const identities = Object.keys(ATTACHMENT_PROPERTIES).flatMap((property) => list(resource.properties[property]).map((value) => referenceOf(value)?.logicalId ?? textOf(value)));
  if (resource.type === 'AWS::IAM::ManagedPolicy') {
    for (const holder of template.ofType('AWS::IAM::Role').concat(template.ofType('AWS::IAM::User'), template.ofType('AWS::IAM::Group'))) {
      if (list(holder.properties.ManagedPolicyArns).some((arn) => referenceOf(arn)?.logicalId === resource.logicalId)) identities.push(holder.logicalId);
    }
  }
  return [...new Set(identities)];
}

/** Every policy-bearing resource of the stack that applies to `identity`. */
function policiesOf(template: StackTemplate, identity: Identity): RenderedResource[] {
  const holders = ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::Group', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].flatMap((type) => template.ofType(type));
  return holders.filter((holder) => identitiesOf(template, holder).includes(identity));
}
