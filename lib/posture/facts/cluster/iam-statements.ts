/**
 * The statements of the IAM policies attached to a role of the stack, typed: effect, actions,
 * resources (a key by its alias, a resource of the stack by name, else the text), the service a
 * key may be used through (`kms:ViaService`) and every condition, so a check can tell an
 * unconditioned permission from one bound to an encryption context.
 */
import { keyOf, referencedId, stripHash, templateText } from '../../naming';
import type { CfnValue, TemplateView } from '../../template';
import type { PolicyCondition } from '../encryption/types';
import { followAttachment } from './secret-provenance';
import type { IamResource, IamStatementFacts } from './types';

/** Every statement of the IAM policies attached to the role `roleId` (a logical id). */
export function iamStatements(view: TemplateView, roleId: string | undefined): IamStatementFacts[] {
  return view
    .ofType('AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties?.Roles ?? []).some((r) => referencedId(r) === roleId))
    .flatMap(([, policy]) => policy.Properties?.PolicyDocument?.Statement ?? [])
    .map((s) => {
      const via = s.Condition?.StringEquals?.['kms:ViaService'];
      return {
        effect: s.Effect,
        actions: [s.Action ?? []].flat(),
        resources: ([] as unknown[]).concat(s.Resource ?? []).map((r) => iamResource(view, r)),
        viaService: via === undefined ? undefined : templateText(via),
        conditions: conditionsOf(s.Condition),
      };
    });
}

/** A Condition block as one entry per operator and key; a JSON boolean as `true`/`false`, as IAM compares it. */
export function conditionsOf(condition: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined): PolicyCondition[] {
  const text = (value: unknown) => (typeof value === 'boolean' ? String(value) : templateText(value as CfnValue));
  return Object.entries(condition ?? {}).flatMap(([operator, byKey]) =>
    Object.entries(byKey).map(([key, values]) => ({ operator, key, values: ([] as unknown[]).concat(values ?? []).map(text) })),
  );
}

function iamResource(view: TemplateView, value: unknown): IamResource {
  const id = followAttachment(view, referencedId(value as CfnValue));
  const type = id === undefined ? undefined : view.get(id)?.Type;
  if (type === 'AWS::KMS::Key') return { kind: 'key', key: keyOf(view, value as CfnValue) };
  if (id) return { kind: 'resource', name: stripHash(id), type: type ?? 'unknown' };
  return { kind: 'literal', text: templateText(value as CfnValue) };
}
