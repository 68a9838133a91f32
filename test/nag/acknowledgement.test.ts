import { App, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { applyAcknowledgements, assumedBy, UnmatchedAcknowledgementError, type Acknowledgement } from '../../lib/nag/acknowledgement';
import { buildApp } from '../../lib/app';
import { BRAND_STACK_ACKNOWLEDGEMENTS } from '../../lib/nag/acknowledgements/brand-stack';

class Worker extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }
}

function fixture() {
  const stack = new Stack(new App(), 'Test');
  new Worker(stack, 'Worker');
  new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  return stack;
}

/** The acknowledgement ids recorded on each resource path (Validations.of(...).acknowledge writes this metadata). */
function acknowledged(stack: Stack): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const construct of stack.node.findAll()) {
    const ids = construct.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((m) => Object.keys(m.data as object));
    if (ids.length > 0) result[construct.node.path] = ids;
  }
  return result;
}

const ack = (appliesTo: Acknowledgement['appliesTo'], reason = 'because'): Acknowledgement => ({ rules: ['Pack-Rule1'], appliesTo, reason });

describe('acknowledgements match what they acknowledge', () => {
  test('onlyIn: skipped in the stacks it does not concern, and still required to match in those it does', () => {
    const stack = fixture();
    const other = new Stack(new App(), 'Other');
    const concernsTest = (root: Construct) => root.node.id === 'Test';
    const onlyInTest: Acknowledgement = { ...ack({ resourceType: 'AWS::IAM::Role', within: Worker }), onlyIn: concernsTest };
    applyAcknowledgements([other], [onlyInTest]);
    applyAcknowledgements([stack], [onlyInTest]);
    expect(acknowledged(stack)).toEqual({ 'Test/Worker/Role/Resource': [expect.stringContaining('Pack-Rule1')] });
    const stale: Acknowledgement = { ...ack({ resourceType: 'AWS::SQS::Queue', within: Worker }), onlyIn: concernsTest };
    expect(() => applyAcknowledgements([fixture()], [stale])).toThrow(UnmatchedAcknowledgementError);
  });

  test('by resource type within a construct class, with a property condition', () => {
    const stack = fixture();
    applyAcknowledgements([stack], [ack({ resourceType: 'AWS::IAM::Role', within: Worker, where: assumedBy('lambda.amazonaws.com') })]);
    expect(acknowledged(stack)).toEqual({ 'Test/Worker/Role/Resource': [expect.stringContaining('Pack-Rule1')] });
  });

  test('by a predicate on an enclosing construct', () => {
    const stack = fixture();
    applyAcknowledgements([stack], [ack({ resourceType: 'AWS::IAM::Role', within: (c) => c.node.id === 'Other' })]);
    expect(acknowledged(stack)).toEqual({ 'Test/Other/Resource': [expect.stringContaining('Pack-Rule1')] });
  });
});

describe('an acknowledgement that matches nothing fails', () => {
  test('a resource type the stacks do not have', () => {
    const stack = fixture();
    expect(() => applyAcknowledgements([stack], [ack({ resourceType: 'AWS::SQS::Queue' })])).toThrow(UnmatchedAcknowledgementError);
    expect(() => applyAcknowledgements([stack], [ack({ resourceType: 'AWS::SQS::Queue' })])).toThrow(
      'Acknowledgement of Pack-Rule1 matches no resource in Test (type AWS::SQS::Queue); remove it or correct its target',
    );
  });

  test('a condition no resource meets, and a construct class the stacks do not use', () => {
    const stack = fixture();
    expect(() => applyAcknowledgements([stack], [ack({ resourceType: 'AWS::IAM::Role', where: assumedBy('backup.amazonaws.com') })])).toThrow(UnmatchedAcknowledgementError);
    expect(() => applyAcknowledgements([stack], [ack({ within: sqs.Queue })])).toThrow(/\(within Queue\d*\)/);
  });

  test('an acknowledgement without a reason, or without a target', () => {
    const stack = fixture();
    expect(() => applyAcknowledgements([stack], [ack({ resourceType: 'AWS::IAM::Role' }, ' ')])).toThrow('Acknowledgement of Pack-Rule1 has no reason');
    expect(() => applyAcknowledgements([stack], [ack({})])).toThrow('names neither a resourceType nor a construct');
  });

  test('a stale brand-stack acknowledgement fails the whole synth: no template is written', () => {
    const stale: Acknowledgement = { rules: ['AwsSolutions-SQS3'], appliesTo: { resourceType: 'AWS::SQS::Queue' }, reason: 'a queue brandstack no longer has' };
    (BRAND_STACK_ACKNOWLEDGEMENTS as Acknowledgement[]).push(stale);
    try {
      expect(() => buildApp({ context: { brand: 'acme', pipeline: 'false' } })).toThrow('Acknowledgement of AwsSolutions-SQS3 matches no resource in BrandStack');
    } finally {
      (BRAND_STACK_ACKNOWLEDGEMENTS as Acknowledgement[]).pop();
    }
  });
});
