import { postureRule } from '../rule';
import { workloadName } from '../workloads/workload-name';

/**
 * A PostgreSQL connection string composed for a workload asks libpq for
 * `sslmode=verify-full`: TLS, with the server's certificate checked against the
 * RDS CA and its host name, so a spoofed endpoint cannot read the password.
 * No sslmode at all is libpq's `prefer`, which falls back to plaintext.
 * https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
 * (AMQP and MongoDB URLs: broker-and-document-store-urls-use-tls.)
 */
export const ConnectionStringsVerifyTls = postureRule('secrets/connection-strings-verify-tls', 'Every composed PostgreSQL connection string uses sslmode=verify-full.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) =>
    w.secrets.flatMap((s) => {
      const connection = s.source.kind === 'external-secrets' ? s.source.connection : undefined;
      if (connection?.kind !== 'postgres' || connection.sslMode === 'verify-full') return [];
      return [{ resource: `${workloadName(w)} ${s.setting}`, reason: connection.sslMode === undefined ? 'no sslmode (libpq prefers, and falls back to plaintext), not verify-full' : `sslmode ${connection.sslMode}, not verify-full` }];
    }),
  ),
);
