import { postureRule } from '../rule';
import { coversPort, portText } from './ports';

/** AMQP without TLS (IANA: amqp 5672; amqps is 5671). */
const PLAINTEXT_AMQP = 5672;

/**
 * Nothing admits plaintext AMQP (5672), in security groups or in network ACLs:
 * Amazon MQ for RabbitMQ listens on AMQPS (5671) only, and a rule for 5672 would
 * be a door for a future broker that does not.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/working-with-rabbitmq.html (listener ports)
 */
export const NoPlaintextAmqp = postureRule('network/no-plaintext-amqp', 'No security group rule or network ACL ingress entry admits plaintext AMQP (5672).', (facts) => [
  ...facts.network.ingressRules
    .filter((rule) => coversPort(rule.protocol, rule.ports, PLAINTEXT_AMQP))
    .map((rule) => ({ resource: rule.securityGroup, reason: `admits ${rule.protocol} ${portText(rule.ports)}, which covers plaintext AMQP (5672)` })),
  ...facts.network.networkAcls.flatMap((acl) =>
    acl.entries
      .filter((e) => e.direction === 'ingress' && e.action === 'allow' && (e.protocol === -1 || e.protocol === 6) && coversPort(e.protocol === -1 ? 'all' : 'tcp', e.ports, PLAINTEXT_AMQP))
      .map((e) => ({ resource: acl.name, reason: `entry ${e.ruleNumber} allows ${portText(e.ports)} from ${e.cidr}, which covers plaintext AMQP (5672)` })),
  ),
]);
