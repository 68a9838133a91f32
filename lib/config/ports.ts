/**
 * The TCP ports brandstack's services listen on: the one home of these numbers
 * for the security groups, network ACLs, network policies and data constructs.
 */
export const PORTS = {
  /** Aurora PostgreSQL, TLS required by `rds.force_ssl`. */
  postgres: 5432,
  /** DocumentDB (MongoDB wire protocol), TLS required by `tls=enabled`. */
  mongo: 27017,
  /** Amazon MQ for RabbitMQ: AMQP 0-9-1 over TLS. Plain AMQP (5672) is not offered. */
  amqps: 5671,
  /** HTTPS: the ingress load balancer, the RabbitMQ management console, AWS APIs. */
  https: 443,
  /** SSH to the bastion, from the brand's VPN range only. */
  ssh: 22,
  /** DNS (UDP and TCP) to the cluster resolver. */
  dns: 53,
  /** The identity runtime's HTTP listener inside the pod. */
  runtime: 8080,
} as const;
