import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Stack } from 'aws-cdk-lib';
import { findingsOf, testStack } from './findings';

const rule = 'ConnectionUseGrantedUnderBothPrefixes';
const ID = '00000000-0000-4000-8000-000000000000';
const CODECONNECTIONS_ARN = `arn:aws:codeconnections:eu-central-1:111111111111:connection/${ID}`;
const CODESTAR_ARN = `arn:aws:codestar-connections:eu-central-1:111111111111:connection/${ID}`;

function role(stack: Stack, id: string): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('codepipeline.amazonaws.com') });
}

describe('ConnectionUseGrantedUnderBothPrefixes', () => {
  test("aws-cdk-lib's source action on a codeconnections connection fails: it grants only codestar-connections:UseConnection", () => {
    const stack = testStack();
    const source = new codepipeline.Artifact();
    new codepipeline.Pipeline(stack, 'Pipeline', {
      stages: [
        { stageName: 'Source', actions: [new actions.CodeStarConnectionsSourceAction({ actionName: 'Source', owner: 'example-org', repo: 'brandstack', connectionArn: CODECONNECTIONS_ARN, output: source })] },
        { stageName: 'Approve', actions: [new actions.ManualApprovalAction({ actionName: 'Approve' })] },
      ],
    });
    expect(findingsOf(stack, rule)).toEqual([
      `[codeconnections:UseConnection::${CODECONNECTIONS_ARN}] Test/Pipeline/Source/Source/CodePipelineActionRole/DefaultPolicy/Resource`,
      `[codestar-connections:UseConnection::${CODESTAR_ARN}] Test/Pipeline/Source/Source/CodePipelineActionRole/DefaultPolicy/Resource`,
    ]);
  });

  test('both actions, each on the ARN with its own prefix, pass, also when split across policies of one role', () => {
    const stack = testStack();
    const together = role(stack, 'Together');
    together.addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection'], resources: [CODESTAR_ARN] }));
    together.addToPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [CODECONNECTIONS_ARN] }));
    const split = role(stack, 'Split');
    split.addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection'], resources: [CODESTAR_ARN] }));
    new iam.ManagedPolicy(stack, 'Other', { roles: [split], statements: [new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [CODECONNECTIONS_ARN] })] });
    const wildcard = role(stack, 'Wildcard');
    wildcard.addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'], resources: ['*'] }));
    expect(findingsOf(stack, rule)).toEqual([]);
  });

  test('both actions on one ARN fail for the prefix that does not match it; another role does not count; one prefix on * fails', () => {
    const stack = testStack();
    const oneArn = role(stack, 'OneArn');
    oneArn.addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection', 'codeconnections:UseConnection'], resources: [CODECONNECTIONS_ARN] }));
    const first = role(stack, 'First');
    first.addToPolicy(new iam.PolicyStatement({ actions: ['codeconnections:UseConnection'], resources: [CODECONNECTIONS_ARN] }));
    role(stack, 'Second').addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection'], resources: [CODESTAR_ARN] }));
    // Landing Zone Accelerator #828: the old prefix on every resource, the new one nowhere.
    role(stack, 'Everywhere').addToPolicy(new iam.PolicyStatement({ actions: ['codestar-connections:UseConnection'], resources: ['*'] }));
    expect(findingsOf(stack, rule)).toEqual([
      '[codeconnections:UseConnection::*] Test/Everywhere/DefaultPolicy/Resource',
      `[codeconnections:UseConnection::${CODECONNECTIONS_ARN}] Test/Second/DefaultPolicy/Resource`,
      `[codestar-connections:UseConnection::${CODESTAR_ARN}] Test/First/DefaultPolicy/Resource`,
      `[codestar-connections:UseConnection::${CODESTAR_ARN}] Test/OneArn/DefaultPolicy/Resource`,
    ]);
  });
});
