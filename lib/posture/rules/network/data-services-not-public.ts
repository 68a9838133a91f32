import { postureRule } from '../rule';

/**
 * No data service is publicly accessible: the broker sits in the isolated
 * RabbitMQ VPC and is reached over the peering only.
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/configuring-private-broker.html
 */
export const DataServicesNotPublic = postureRule('network/data-services-not-public', 'No data service is publicly accessible.', (facts) =>
  facts.encryption.dataServices
    .filter((s) => s.transit.kind === 'rabbitmq' && s.transit.publiclyAccessible)
    .map((s) => ({ resource: `${s.type} ${s.name}`, reason: 'publicly accessible' })),
);
