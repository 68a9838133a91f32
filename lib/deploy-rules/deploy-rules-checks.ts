/**
 * Deploy rules: what AWS refuses, or waits on forever, although synth, cfn-lint
 * and the compliance packs accept it. A cdk-nag pack like the others
 * (lib/nag/compliance.ts registers it beside them on every Stage), with every
 * rule at error level, so a template that cannot deploy, or cannot be retried
 * after a failed deploy, fails synth. One rule per file under rules/<service>/;
 * each file's doc comment states the constraint, quotes the AWS documentation
 * it comes from, and names the failure it prevents.
 *
 * A rule reads the resource cdk-nag hands it and, where the constraint spans
 * resources, the rest of its stack (template/stack-template.ts), rendered once
 * per run.
 */
import type { CfnResource, PolicyValidationPluginReport } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, type NagRuleResult } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CertificateValidatesWithoutManualStep } from './rules/acm/certificate-validates-without-manual-step';
import { RabbitMQBrokerWithoutEncryptionOptions } from './rules/amazonmq/rabbitmq-broker-without-encryption-options';
import { RetainedResourceHasNoFixedName } from './rules/cloudformation/retained-resource-has-no-fixed-name';
import { RetainedResourceHoldsNoVpcAttachment } from './rules/cloudformation/retained-resource-holds-no-vpc-attachment';
import { ProxyProtocolTrustedOnlyFromLoadBalancerSubnets } from './rules/eks/proxy-protocol-trusted-only-from-load-balancer-subnets';
import { ConnectionUseGrantedUnderBothPrefixes } from './rules/iam/connection-use-granted-under-both-prefixes';
import { CustomerKeyRootCannotGrantItselfUse } from './rules/kms/customer-key-root-cannot-grant-itself-use';
import { forgetStackTemplates } from './template/stack-template';

export const DEPLOY_RULES_PACK = 'DeployRules';

interface DeployRule {
  readonly rule: (node: CfnResource) => NagRuleResult;
  /** Why the rule was triggered (cdk-nag `info`). */
  readonly info: string;
  /** Why the rule exists (cdk-nag `explanation`). */
  readonly explanation: string;
}

/** Every deploy rule; its id is `DeployRules-<function name>`. */
export const DEPLOY_RULES: readonly DeployRule[] = [
  {
    rule: RabbitMQBrokerWithoutEncryptionOptions,
    info: 'The RabbitMQ broker sets EncryptionOptions, which Amazon MQ refuses for RabbitMQ.',
    explanation: 'EncryptionOptions "Does not apply to RabbitMQ brokers": the create fails and the stack rolls back. RabbitMQ storage is always under an AWS-owned key.',
  },
  {
    rule: CertificateValidatesWithoutManualStep,
    info: 'The certificate cannot validate without a manual step: not DNS-validated, or a domain without a hosted zone (HostedZoneId) ACM writes the record into.',
    explanation: 'CloudFormation waits for the certificate to be issued: the stack stays in CREATE_IN_PROGRESS until someone validates it by hand or the request times out.',
  },
  {
    rule: RetainedResourceHasNoFixedName,
    info: 'A resource with DeletionPolicy Retain has a fixed physical name.',
    explanation: 'A failed first create keeps the resource; the retry asks for the same name and fails. Use RetainExceptOnCreate (RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE) or a generated name.',
  },
  {
    rule: RetainedResourceHoldsNoVpcAttachment,
    info: 'A resource with DeletionPolicy Retain holds on to a VPC (network interfaces, a security group, or a custom resource whose provider runs in the VPC).',
    explanation: 'A rolled-back create keeps it, so the VPC cannot be deleted: ROLLBACK_FAILED. Use RetainExceptOnCreate, or no retention for stateless resources.',
  },
  {
    rule: CustomerKeyRootCannotGrantItselfUse,
    info: "A customer key's policy lets the account root use the key, or create grants not limited to AWS resources (kms:GrantIsForAWSResource).",
    explanation: 'Any principal the account allows kms:CreateGrant could grant itself Decrypt on the customer key.',
  },
  {
    rule: ProxyProtocolTrustedOnlyFromLoadBalancerSubnets,
    info: "Traefik trusts PROXY protocol or forwarded headers from other sources than the load balancer's subnets (or does not accept the PROXY protocol the load balancer sends).",
    explanation: 'A trusted range wider than the load balancer lets any host in it forge the client address that per-client limits key on.',
  },
  {
    rule: ConnectionUseGrantedUnderBothPrefixes,
    info: 'An identity may use a source connection under one service prefix (codestar-connections / codeconnections) but not the other.',
    explanation: 'The action prefix must match the connection ARN\'s; with only one, the pipeline source stage fails for lack of permission.',
  },
];

/**
 * The deploy rules as a cdk-nag pack: register it with
 * `Validations.of(stage).addPlugins(new DeployRulesChecks(stage))` (done by
 * lib/nag/compliance.ts `addCompliancePacks`).
 */
export class DeployRulesChecks extends NagPack {
  readonly name = DEPLOY_RULES_PACK;

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = DEPLOY_RULES_PACK;
  }

  override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    forgetStackTemplates();
    try {
      return super.validateScope(scope);
    } finally {
      forgetStackTemplates();
    }
  }

  protected checkResource(node: CfnResource): void {
    for (const { rule, info, explanation } of DEPLOY_RULES) {
      this.applyRule({ info, explanation, level: NagMessageLevel.ERROR, rule, node });
    }
  }
}
