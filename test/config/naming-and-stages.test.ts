import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  brandStackName,
  keyAlias,
  platformKeyAlias,
  resourceNamePrefix,
  STACK_CREATION_SUFFIX_LENGTH,
  stackCreationSuffix,
  withStackCreationSuffix,
} from '../../lib/config/naming';
import { PORTS } from '../../lib/config/ports';
import { companionRemovalPolicy, removalPolicyFor, STAGE_PROFILES } from '../../lib/config/stages';

const target = { brand: { id: 'acme' }, stage: { name: 'high' }, region: { code: 'eu-central-1' } };

/** What CloudFormation would make of a value, given a stack id. */
function evaluate(value: unknown, stackId: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const v = value as Record<string, any>;
  if (v.Ref === 'AWS::StackId') return stackId;
  if (v['Fn::Join']) return (v['Fn::Join'][1] as unknown[]).map((part) => evaluate(part, stackId)).join(v['Fn::Join'][0]);
  if (v['Fn::Split']) return String(evaluate(v['Fn::Split'][1], stackId)).split(v['Fn::Split'][0]);
  if (v['Fn::Select']) return (evaluate(v['Fn::Select'][1], stackId) as unknown[])[v['Fn::Select'][0]];
  throw new Error(`unexpected intrinsic ${JSON.stringify(value)}`);
}

describe('naming: the one home of physical names', () => {
  test('stack, prefix and alias names', () => {
    expect(brandStackName(target)).toBe('brandstack-acme-high-eu-central-1');
    expect(resourceNamePrefix(target)).toBe('acme-high');
    expect(keyAlias('acme', 'globex')).toBe('alias/brandstack/acme/globex');
    expect(platformKeyAlias('acme')).toBe('alias/brandstack/acme/platform');
  });

  test('the longest prefix (a 32-character brand id in high) leaves room for the suffix in every name that must be fixed', () => {
    const longest = resourceNamePrefix({ brand: { id: 'a'.repeat(32) }, stage: { name: 'high' } });
    expect(longest).toHaveLength(37);
    // Broker and backup vault names: at most 50 characters.
    expect(longest.length + 1 + STACK_CREATION_SUFFIX_LENGTH).toBeLessThanOrEqual(50);
  });

  test('the stack-creation suffix is the first group of the stack id UUID: the same template, a new name for each new stack', () => {
    const stack = new Stack(new App(), 'Test');
    const name = stack.resolve(withStackCreationSuffix('acme-high'));
    expect(JSON.stringify(name)).toContain('"AWS::StackId"');
    const first = 'arn:aws:cloudformation:eu-central-1:111111111111:stack/brandstack-acme-high-eu-central-1/1a2b3c4d-0000-11ee-8000-0a1b2c3d4e5f';
    const second = 'arn:aws:cloudformation:eu-central-1:111111111111:stack/brandstack-acme-high-eu-central-1/9f8e7d6c-1111-11ee-8000-0a1b2c3d4e5f';
    expect(evaluate(name, first)).toBe('acme-high-1a2b3c4d');
    expect(evaluate(name, second)).toBe('acme-high-9f8e7d6c');
    expect(String(evaluate(stack.resolve(stackCreationSuffix()), first))).toHaveLength(STACK_CREATION_SUFFIX_LENGTH);
  });

  test('ports are the services\' documented ones, and plain AMQP is not among them', () => {
    expect(PORTS).toMatchObject({ postgres: 5432, mongo: 27017, amqps: 5671, https: 443 });
    expect(Object.values(PORTS)).not.toContain(5672);
  });
});

describe('removal policies: one mapping from stage', () => {
  test('low destroys everything; high keeps state except on a rolled-back create, and snapshots databases', () => {
    expect(removalPolicyFor(STAGE_PROFILES.low, 'state')).toBe(RemovalPolicy.DESTROY);
    expect(removalPolicyFor(STAGE_PROFILES.low, 'snapshot')).toBe(RemovalPolicy.DESTROY);
    expect(removalPolicyFor(STAGE_PROFILES.high, 'state')).toBe(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    expect(removalPolicyFor(STAGE_PROFILES.high, 'snapshot')).toBe(RemovalPolicy.SNAPSHOT);
  });

  test('companions of a snapshotted resource (its log groups) are kept as state is kept, since they cannot snapshot', () => {
    expect(companionRemovalPolicy(RemovalPolicy.SNAPSHOT)).toBe(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
    expect(companionRemovalPolicy(RemovalPolicy.DESTROY)).toBe(RemovalPolicy.DESTROY);
    expect(companionRemovalPolicy(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)).toBe(RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE);
  });

  test('no stage keeps anything with a plain Retain, which would survive a rolled-back create', () => {
    for (const stage of Object.values(STAGE_PROFILES)) {
      for (const kind of ['state', 'snapshot'] as const) {
        expect(removalPolicyFor(stage, kind)).not.toBe(RemovalPolicy.RETAIN);
        expect(companionRemovalPolicy(removalPolicyFor(stage, kind))).not.toBe(RemovalPolicy.RETAIN);
      }
    }
  });
});
