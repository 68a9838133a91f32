import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance, type NagRuleResult } from 'cdk-nag';
import { StackTemplate } from '../../template/stack-template';

/**
 * An Amazon MQ broker for RabbitMQ sets no `EncryptionOptions`.
 *
 * The CloudFormation reference for AWS::AmazonMQ::Broker EncryptionOptions says
 * "Does not apply to RabbitMQ brokers."
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-amazonmq-broker-encryptionoptions.html),
 * and the service refuses the request (`encryptionOptions is not supported for
 * RabbitMQ brokers`, reported in terraform-provider-aws #25998): the create
 * fails and the stack rolls back. Synth and cfn-lint accept the property
 * because the resource schema allows it for both engines. RabbitMQ broker
 * storage is always under an AWS-owned key ("Set to true by default, if no
 * value is provided, for example, for RabbitMQ brokers", same page).
 */
export function RabbitMQBrokerWithoutEncryptionOptions(node: CfnResource): NagRuleResult {
  if (node.cfnResourceType !== 'AWS::AmazonMQ::Broker') return NagRuleCompliance.NOT_APPLICABLE;
  const { properties } = StackTemplate.of(node).resource(node);
  if (String(properties.EngineType ?? '').toUpperCase() !== 'RABBITMQ') return NagRuleCompliance.NOT_APPLICABLE;
  return properties.EncryptionOptions === undefined ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}
