import { postureRule } from '../rule';
import type { TransitFacts } from '../../facts/encryption';

/** DocumentDB `tls` values that require TLS (`disabled` is the only one that does not). */
const DOCDB_TLS_REQUIRED = ['enabled', 'tls1.2+', 'tls1.3+', 'fips-140-3'];

/** PostgreSQL `ssl_min_protocol_version` values at or above TLS 1.2. */
const RDS_MINIMUM_TLS = ['TLSv1.2', 'TLSv1.3'];

function problem(transit: TransitFacts): string | undefined {
  switch (transit.kind) {
    case 'rds':
      if (!transit.forceSsl) return 'rds.force_ssl is not 1: clients may connect without TLS';
      if (!RDS_MINIMUM_TLS.includes(transit.minimumTlsVersion ?? '')) return `ssl_min_protocol_version ${transit.minimumTlsVersion ?? 'unset (TLSv1.2 is not required)'} is below TLSv1.2`;
      return undefined;
    case 'docdb':
      // Unset, the engine default is enabled.
      return transit.tls === undefined || DOCDB_TLS_REQUIRED.includes(transit.tls) ? undefined : `tls=${transit.tls}: clients may connect without TLS`;
    case 'rabbitmq':
      // Amazon MQ for RabbitMQ offers AMQPS (5671) and HTTPS only; there is no plaintext listener to turn off.
      return undefined;
  }
}

/**
 * Every data service refuses connections without TLS, at TLS 1.2 or later:
 * Aurora PostgreSQL with `rds.force_ssl=1` and `ssl_min_protocol_version`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/AuroraPostgreSQL.Security.html),
 * DocumentDB with `tls` not disabled
 * (https://docs.aws.amazon.com/documentdb/latest/developerguide/security.encryption.ssl.html),
 * Amazon MQ for RabbitMQ by design (AMQPS only).
 */
export const DataServicesEnforceTls = postureRule('encryption/data-services-enforce-tls', 'Every data service requires TLS 1.2 or later.', (facts) =>
  facts.encryption.dataServices.flatMap((service) => {
    const reason = problem(service.transit);
    return reason ? [{ resource: `${service.type} ${service.name}`, reason }] : [];
  }),
);
