/** A read-only view of a synthesized CloudFormation template, for posture sections. */

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly DependsOn?: string | string[];
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
  readonly Outputs?: Record<string, unknown>;
}

export class TemplateView {
  constructor(readonly template: CfnTemplate) {}

  /** Resources of one CloudFormation type, sorted by logical id for stable output. */
  ofType(type: string): Array<[string, CfnResource]> {
    return Object.entries(this.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === type)
      .sort(([a], [b]) => a.localeCompare(b));
  }

  get(logicalId: string): CfnResource | undefined {
    return this.template.Resources?.[logicalId];
  }

  all(): Array<[string, CfnResource]> {
    return Object.entries(this.template.Resources ?? {}).sort(([a], [b]) => a.localeCompare(b));
  }

  /**
   * The logical id a value refers to ({Ref}, {Fn::GetAtt}), or a literal string.
   * Lets sections say "encrypted by Keys/PlatformKey" instead of printing intrinsics.
   */
  referenceOf(value: unknown): string | undefined {
    if (typeof value === 'string') return value;
    if (value && typeof value === 'object') {
      const v = value as Record<string, unknown>;
      if (typeof v.Ref === 'string') return v.Ref;
      const getAtt = v['Fn::GetAtt'];
      if (Array.isArray(getAtt)) return String(getAtt[0]);
    }
    return undefined;
  }
}

/** What a posture section is built from: the template and the facts of the stack artifact. */
export interface PostureInput {
  readonly stackName: string;
  readonly region: string;
  readonly template: TemplateView;
}
