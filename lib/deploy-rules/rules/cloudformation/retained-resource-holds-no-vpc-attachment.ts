import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { StackTemplate } from '../../template/stack-template';
import { vpcAttachment } from './vpc-attachments';

/**
 * No plainly retained resource (DeletionPolicy `Retain`) holds on to a VPC:
 * network interfaces or a security group in its subnets (a VPC Lambda, a
 * security group, an ENI, an EKS cluster, a broker ...), or a custom resource
 * whose provider runs in the VPC ({@link vpcAttachment}).
 *
 * When the stack's create fails, the rollback deletes the VPC but keeps the
 * retained resource, which still uses the subnets: EC2 refuses to delete a
 * subnet or security group in use, the rollback ends in ROLLBACK_FAILED (and a
 * later delete in DELETE_FAILED), and the stack cannot be retried until the
 * leftovers are removed by hand. The DeletionPolicy reference
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html)
 * offers `RetainExceptOnCreate` for exactly this: deleted when the create that
 * made it is rolled back, retained otherwise (aws-cdk-lib
 * `RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE`); stateless resources (provider
 * Lambdas, Helm releases, manifests, security groups) need no retention at all.
 * A retained custom resource also skips its delete handler, so whatever it
 * made in the VPC (a Helm release's load balancer) stays behind too.
 */
export function RetainedResourceHoldsNoVpcAttachment(node: CfnResource): NagRuleResult {
  const template = StackTemplate.of(node);
  const resource = template.resource(node);
  if (resource.deletionPolicy !== 'Retain') return NagRuleCompliance.NOT_APPLICABLE;
  const attachment = vpcAttachment(template, resource);
  return attachment === undefined ? NagRuleCompliance.COMPLIANT : [attachment];
}
