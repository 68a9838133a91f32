/**
 * One spelling for every name the posture prints, so the same thing reads the
 * same in every section:
 * - a resource by its logical id without CDK's hash suffix ({@link stripHash});
 * - a CloudFormation reference ({Ref}, {Fn::GetAtt}, or the placeholder that
 *   {@link templateText} writes into text) by {@link referenceOf};
 * - a value as readable text by {@link describeValue};
 * - a KMS key by its alias, `alias/brandstack/<brand>/<name>` (lib/config/naming.ts
 *   builds it), else by its logical id ({@link keyOf}, {@link keyLabel}).
 */
import type { CfnValue, TemplateView } from './template';

/**
 * CDK's hash suffix on a logical id: eight upper-case hex digits (the path hash),
 * sometimes followed by a lower-case hex hash of 16 or more (an id a construct
 * overrides, e.g. the RDS secret's or an instance's, replaced when its inputs change).
 */
const HASH_SUFFIX = /(?<=.)[0-9A-F]{8}(?:[0-9a-f]{16,})?$/;

/** `NetworkMongoSecurityGroupC437F92C` → `NetworkMongoSecurityGroup`. */
export function stripHash(logicalId: string): string {
  return logicalId.replace(HASH_SUFFIX, '');
}

/** A reference to a resource of the template. */
export interface Reference {
  readonly logicalId: string;
  /** The attribute of an Fn::GetAtt; absent for a Ref or a placeholder. */
  readonly attribute?: string;
}

type JsonObject = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The placeholder {@link templateText} writes for a Ref or Fn::GetAtt inside text. */
const PLACEHOLDER = /^\{\{(?:Ref|GetAtt):([^}]+)\}\}$/;

/**
 * The resource a value refers to: {Ref}, {Fn::GetAtt}, or a string that is
 * exactly one `{{Ref:Id}}`/`{{GetAtt:Id}}` placeholder (a reference inside a
 * manifest or Helm values). A literal is no reference.
 */
export function referenceOf(value: CfnValue): Reference | undefined {
  if (typeof value === 'string') {
    const id = PLACEHOLDER.exec(value)?.[1];
    return id === undefined ? undefined : { logicalId: id };
  }
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === 'string') return { logicalId: value.Ref };
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
    return { logicalId: getAtt[0], attribute: typeof getAtt[1] === 'string' ? getAtt[1] : undefined };
  }
  return undefined;
}

/** The logical id a value refers to, if any. */
export function referencedId(value: CfnValue): string | undefined {
  return referenceOf(value)?.logicalId;
}

/** Every logical id referenced anywhere inside a value (an ARN built with Fn::Join, a policy ...). */
export function referencedIds(value: CfnValue): Set<string> {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    const reference = referenceOf(v);
    if (reference) ids.add(reference.logicalId);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return ids;
}

/**
 * A template value (a string, or an Fn::Join of strings and intrinsics) as
 * text, each intrinsic a `{{Ref:Id}}`/`{{GetAtt:Id}}`/`{{Sub}}` placeholder that
 * is safe inside JSON strings: how manifests and Helm values are read.
 */
export function templateText(value: CfnValue): string {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    const join = value['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return (join[1] as unknown[]).map(templateText).join(join[0]);
    const reference = referenceOf(value);
    if (reference) return `{{${typeof value.Ref === 'string' ? 'Ref' : 'GetAtt'}:${reference.logicalId}}}`;
    if (value['Fn::Sub'] !== undefined) return '{{Sub}}';
  }
  return '{{Token}}';
}

/**
 * A value as readable text: literals as they are, a reference by the name of
 * what it refers to (a key by its {@link keyLabel}, a VPC's CidrBlock by its
 * value), an Fn::Join part by part.
 */
export function describeValue(view: TemplateView, value: CfnValue): string {
  if (value === undefined || value === null) return 'none';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  const reference = referenceOf(value);
  if (reference) {
    const { logicalId, attribute } = reference;
    if (logicalId.startsWith('AWS::')) return logicalId;
    const target = view.get(logicalId);
    if (target?.Type === 'AWS::KMS::Key') return keyLabel(keyOf(view, value));
    if (attribute === undefined) return stripHash(logicalId);
    const vpc = view.getOfType(logicalId, 'AWS::EC2::VPC');
    if (vpc && attribute === 'CidrBlock') return String(vpc.Properties?.CidrBlock);
    if (target?.Type === 'AWS::EC2::SecurityGroup' && attribute === 'GroupId') return stripHash(logicalId);
    return `${stripHash(logicalId)}.${attribute}`;
  }
  const join = isObject(value) ? value['Fn::Join'] : undefined;
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) return (join[1] as unknown[]).map((part) => describeValue(view, part)).join(join[0]);
  return JSON.stringify(value);
}

/** A KMS key as the posture names it. */
export type KeyRef =
  /** A key of this stack, by its logical id and the alias the stack gives it. */
  | { readonly kind: 'stack'; readonly logicalId: string; readonly alias?: string }
  /** An AWS-managed key, `alias/aws/<service>`. */
  | { readonly kind: 'aws-managed'; readonly alias: string }
  /** A key outside the stack: an ARN, an alias the stack does not define, or an unresolved intrinsic. */
  | { readonly kind: 'external'; readonly reference: string };

const aliasCache = new WeakMap<TemplateView, Map<string, string>>();

/** Logical id of each key of the stack → its alias name. */
function aliasesOf(view: TemplateView): Map<string, string> {
  let aliases = aliasCache.get(view);
  if (!aliases) {
    aliases = new Map();
    for (const [, alias] of view.ofType('AWS::KMS::Alias')) {
      const key = referencedId(alias.Properties?.TargetKeyId);
      if (key && alias.Properties?.AliasName) aliases.set(key, alias.Properties.AliasName);
    }
    aliasCache.set(view, aliases);
  }
  return aliases;
}

/** The alias the stack gives one of its keys. */
export function aliasOfKey(view: TemplateView, keyId: string): string | undefined {
  return aliasesOf(view).get(keyId);
}

/** The key a value names: a reference to a key or alias of the stack, an alias name, or a key ARN. */
export function keyOf(view: TemplateView, value: CfnValue): KeyRef {
  const reference = referenceOf(value);
  if (reference) {
    const target = view.get(reference.logicalId);
    if (target?.Type === 'AWS::KMS::Key') return { kind: 'stack', logicalId: reference.logicalId, alias: aliasOfKey(view, reference.logicalId) };
    const alias = view.getOfType(reference.logicalId, 'AWS::KMS::Alias');
    if (alias) return keyOf(view, alias.Properties?.AliasName);
    return { kind: 'external', reference: stripHash(reference.logicalId) };
  }
  if (typeof value === 'string') {
    if (value.startsWith('alias/aws/')) return { kind: 'aws-managed', alias: value };
    const target = [...aliasesOf(view)].find(([, alias]) => alias === value)?.[0];
    if (target) return { kind: 'stack', logicalId: target, alias: value };
    return { kind: 'external', reference: value };
  }
  return { kind: 'external', reference: templateText(value) };
}

/** The one label of a key: its alias, else (a key of the stack without one) `<logical id> (no alias)`. */
export function keyLabel(key: KeyRef): string {
  switch (key.kind) {
    case 'stack':
      return key.alias ?? `${stripHash(key.logicalId)} (no alias)`;
    case 'aws-managed':
      return key.alias;
    case 'external':
      return key.reference;
  }
}
