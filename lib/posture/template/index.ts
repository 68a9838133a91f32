/**
 * A read-only view of a synthesized CloudFormation template: the one place the
 * posture meets template JSON. Facts are read through it, by resource type, with
 * the property shapes of ./properties.ts.
 */
import type { CfnPropertiesByType, CfnType } from './properties';

export type { CfnBlockDeviceMapping, CfnIngressRule, CfnPolicyDocument, CfnPolicyStatement, CfnPropertiesByType, CfnTag, CfnType, CfnValue } from './properties';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  /** The name of a condition of the template's Conditions section that decides whether the resource is created. */
  readonly Condition?: string;
}

/** A resource of a known type, with its properties typed. */
export interface TypedResource<T extends CfnType> extends Omit<CfnResource, 'Properties'> {
  readonly Type: T;
  readonly Properties?: CfnPropertiesByType[T];
}

export interface CfnTemplate {
  readonly Resources?: Readonly<Record<string, CfnResource>>;
  readonly Parameters?: Readonly<Record<string, unknown>>;
  readonly Conditions?: Readonly<Record<string, unknown>>;
  readonly Outputs?: Readonly<Record<string, unknown>>;
}

export class TemplateView {
  private readonly sorted: ReadonlyArray<[string, CfnResource]>;

  constructor(readonly template: CfnTemplate) {
    this.sorted = Object.entries(template.Resources ?? {}).sort(([a], [b]) => a.localeCompare(b));
  }

  /** Resources of one CloudFormation type, sorted by logical id for stable output. */
  ofType<T extends CfnType>(type: T): Array<[string, TypedResource<T>]> {
    // The template is JSON CloudFormation wrote from these types: the cast states their shape.
    return this.sorted.filter(([, resource]) => resource.Type === type) as Array<[string, TypedResource<T>]>;
  }

  get(logicalId: string): CfnResource | undefined {
    return this.template.Resources?.[logicalId];
  }

  /** The resource with this logical id when it is of `type`. */
  getOfType<T extends CfnType>(logicalId: string | undefined, type: T): TypedResource<T> | undefined {
    const resource = logicalId === undefined ? undefined : this.get(logicalId);
    return resource?.Type === type ? (resource as TypedResource<T>) : undefined;
  }

  /** Every resource, sorted by logical id. */
  all(): Array<[string, CfnResource]> {
    return [...this.sorted];
  }
}

/** What the posture is built from: the template and the facts of the stack artifact. */
export interface PostureInput {
  readonly stackName: string;
  readonly region: string;
  readonly template: TemplateView;
}
