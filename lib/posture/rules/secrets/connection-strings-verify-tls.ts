import { postureRule } from '../rule';
import { workloadName } from '../workloads/workload-name';

/**
 * A database connection string composed for a workload asks libpq for
 * `sslmode=verify-full`: TLS, with the server's certificate checked against the
 * RDS CA and its host name, so a spoofed endpoint cannot read the password.
 * https://www.postgresql.org/docs/current/libpq-ssl.html#LIBPQ-SSL-PROTECTION
 */
export const ConnectionStringsVerifyTls = postureRule('secrets/connection-strings-verify-tls', 'Every composed connection string uses sslmode=verify-full.', (facts) =>
  (facts.cluster?.workloads ?? []).flatMap((w) =>
    w.secrets
      .filter((s) => s.source.kind === 'external-secrets' && s.source.sslMode !== undefined && s.source.sslMode !== 'verify-full')
      .map((s) => ({ resource: `${workloadName(w)} ${s.setting}`, reason: `sslmode ${s.source.kind === 'external-secrets' ? s.source.sslMode : ''}, not verify-full` })),
  ),
);
