import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { StackTemplate } from '../../template/stack-template';
import { fixedName } from './physical-names';

/**
 * No resource is plainly retained (DeletionPolicy `Retain`) under a fixed
 * physical name: a name given literally, or built only from parameters and
 * pseudo-parameters other than AWS::StackId ({@link fixedName}).
 *
 * When the first create of a stack fails, CloudFormation rolls back, and a
 * `Retain` resource is kept, outside any stack. The stack must then be deleted
 * and created again, and the retry asks for the same name: it fails with
 * "already exists", so a failed first deploy can never be retried without hand
 * clean-up. AWS: "If resources are preserved during rollbacks, they interfere
 * with retries of the stack operation" (launch of RetainExceptOnCreate,
 * https://aws.amazon.com/about-aws/whats-new/2023/07/aws-cloudformation-deletion-policies-dev-test-cycle/).
 * `RetainExceptOnCreate` "behaves like Retain for stack operations, except for
 * the stack operation that initially created the resource. If the stack
 * operation that created the resource is rolled back, CloudFormation deletes
 * the resource" (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html);
 * in aws-cdk-lib that is `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`. `Snapshot`
 * deletes the resource after its snapshot. The fix is one of those, or a name
 * CloudFormation generates, or one built from AWS::StackId.
 */
export function RetainedResourceHasNoFixedName(node: CfnResource): NagRuleResult {
  const template = StackTemplate.of(node);
  const resource = template.resource(node);
  if (resource.deletionPolicy !== 'Retain') return NagRuleCompliance.NOT_APPLICABLE;
  const name = fixedName(template, resource.type, resource.properties);
  return name === undefined ? NagRuleCompliance.COMPLIANT : [name];
}
