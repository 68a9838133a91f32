/**
 * The CloudFormation a deploy rule reads: every resource of a construct's stack
 * as it will be synthesized (resolved properties and DeletionPolicy, with
 * overrides applied). cdk-nag hands a rule one CfnResource, but a deploy
 * constraint often spans resources (a Helm release and the subnets of its
 * cluster's VPC; a retained custom resource and the Lambda behind it), so each
 * rule reaches the rest of its stack through {@link StackTemplate.of}.
 *
 * A stack is rendered once per validation: DeployRulesChecks calls
 * {@link forgetStackTemplates} before each run, so a stack changed between two
 * runs (tests) is read afresh.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';

/** A JSON object from a rendered template. */
export type Json = Record<string, any>;

export interface RenderedResource {
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Json;
  readonly deletionPolicy?: string;
  readonly construct: CfnResource;
}

/** A Ref or Fn::GetAtt: the logical id (or pseudo-parameter) it names, and the attribute of a GetAtt. */
export interface Reference {
  readonly logicalId: string;
  readonly attribute?: string;
}

let templates = new WeakMap<Stack, StackTemplate>();

/** Drops every rendered stack: the next rule renders its stack again. */
export function forgetStackTemplates(): void {
  templates = new WeakMap();
}

export class StackTemplate {
  /** The rendered template of the stack `node` belongs to. */
  static of(node: CfnResource): StackTemplate {
    const stack = Stack.of(node);
    let template = templates.get(stack);
    if (!template) {
      template = new StackTemplate(stack);
      templates.set(stack, template);
    }
    return template;
  }

  private readonly byId = new Map<string, RenderedResource>();
  private readonly byConstruct = new Map<CfnResource, RenderedResource>();

  private constructor(readonly stack: Stack) {
    for (const construct of stack.node.findAll()) {
      if (!CfnResource.isCfnResource(construct) || Stack.of(construct) !== stack) continue;
      // aws-cdk-lib renders a resource with `_toCloudFormation()` (internal, but what its own
      // assertions library and lib/nag/acknowledgement.ts use): the props with overrides and
      // DeletionPolicy, as the template will hold them.
      const rendered = stack.resolve((construct as unknown as { _toCloudFormation(): { Resources: Record<string, Json> } })._toCloudFormation());
      for (const [logicalId, resource] of Object.entries<Json>(rendered.Resources ?? {})) {
        const entry: RenderedResource = {
          logicalId,
          type: resource.Type,
          properties: resource.Properties ?? {},
          deletionPolicy: resource.DeletionPolicy,
          construct,
        };
        this.byId.set(logicalId, entry);
        this.byConstruct.set(construct, entry);
      }
    }
  }

  /** The rendered form of one of the stack's resources. */
  resource(node: CfnResource): RenderedResource {
    const rendered = this.byConstruct.get(node);
    if (!rendered) throw new Error(`deploy rules: ${node.node.path} is not a resource of stack ${this.stack.node.path}`);
    return rendered;
  }

  get(logicalId: string | undefined): RenderedResource | undefined {
    return logicalId === undefined ? undefined : this.byId.get(logicalId);
  }

  ofType(type: string): RenderedResource[] {
    return [...this.byId.values()].filter((resource) => resource.type === type);
  }

  /** The resource a Ref or Fn::GetAtt names, when it is one of the stack's. */
  referenced(value: unknown): RenderedResource | undefined {
    return this.get(referenceOf(value)?.logicalId);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The Ref or Fn::GetAtt a value is, if it is one (`Fn::GetAtt` as `[id, attr]` or `"id.attr"`). */
export function referenceOf(value: unknown): Reference | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return { logicalId: value.Ref };
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return { logicalId: getAtt[0], attribute: typeof getAtt[1] === 'string' ? getAtt[1] : undefined };
  if (typeof getAtt === 'string') {
    const [logicalId, ...attribute] = getAtt.split('.');
    return { logicalId, attribute: attribute.join('.') || undefined };
  }
  return undefined;
}

/**
 * A string value as text, each intrinsic written as Fn::Sub writes it:
 * `${AWS::Partition}` for a Ref, `${Id.Attr}` for a GetAtt. Fn::Join and Fn::Sub
 * (with literal or referenced variables) are expanded; any other intrinsic is
 * `${?}`. Placeholders are safe inside JSON strings, so a Helm `Values` join
 * parses as JSON.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!isObject(value)) return '${?}';
  const reference = referenceOf(value);
  if (reference) return `\${${reference.logicalId}${reference.attribute ? `.${reference.attribute}` : ''}}`;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return join[1].map(textOf).join(join[0]);
  const sub = value['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') {
    const variables: Json = isObject(sub[1]) ? sub[1] : {};
    return sub[0].replace(/\$\{([^!}][^}]*)\}/g, (whole, name: string) => (name in variables ? textOf(variables[name]) : whole));
  }
  return '${?}';
}

/** A placeholder `textOf` wrote for a Ref/GetAtt, read back; undefined for other text. */
export function placeholderReference(text: string): Reference | undefined {
  const match = /^\$\{([^}.?]+)(?:\.([^}]+))?\}$/.exec(text);
  return match ? { logicalId: match[1], attribute: match[2] } : undefined;
}

/** The value of a resource tag (`Tags: [{Key, Value}]`), if set. */
export function tagValue(resource: RenderedResource, key: string): unknown {
  const tags = resource.properties.Tags;
  return Array.isArray(tags) ? tags.find((tag) => isObject(tag) && tag.Key === key)?.Value : undefined;
}
