import { postureRule } from '../rule';
import { workloadName } from '../workloads/workload-name';

/**
 * A composed AMQP or MongoDB URL asks for TLS with the server's certificate checked: `amqps://`
 * (Amazon MQ for RabbitMQ takes AMQP over TLS only, on 5671:
 * https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/working-with-rabbitmq.html#rabbitmq-broker-listeners),
 * and for MongoDB `tls=true` with no option that switches certificate or host-name checks off
 * (DocumentDB clusters require TLS, and AWS's connection string verifies them against the RDS CA
 * bundle: https://docs.aws.amazon.com/documentdb/latest/developerguide/connect_programmatically.html).
 * Without it the broker's or the audit trail's password, and the audit events, cross the peering in clear,
 * or to whoever answers in the server's place. PostgreSQL URLs have their own rule (connection-strings-verify-tls).
 */
export const BrokerAndDocumentStoreUrlsUseTls = postureRule(
  'secrets/broker-and-document-store-urls-use-tls',
  'Every composed AMQP URL is amqps://, and every composed MongoDB URL asks for tls=true with certificate checks on.',
  (facts) =>
    (facts.cluster?.workloads ?? []).flatMap((w) =>
      w.secrets.flatMap((s) => {
        const connection = s.source.kind === 'external-secrets' ? s.source.connection : undefined;
        const resource = `${workloadName(w)} ${s.setting}`;
        if (connection?.kind === 'amqp' && !connection.tls) return [{ resource, reason: 'plaintext amqp://, not amqps://' }];
        if (connection?.kind === 'mongodb' && !connection.tls) return [{ resource, reason: 'MongoDB URL without tls=true' }];
        if (connection?.kind === 'mongodb' && connection.insecureOptions.length > 0) return [{ resource, reason: `${connection.insecureOptions.join(', ')} switches certificate checks off` }];
        return [];
      }),
    ),
);
