import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Structured JSON logs. The service never passes secrets or tokens to the logger; redaction is
 * the second line of defence for fields that could carry them if someone logs a request.
 * pino.destination writes straight to a file descriptor, with no transport and so
 * no worker thread: the esbuild bundle must not need pino's worker files.
 */
export function createLogger(options: { level: LogLevel; destination: 1 | 2 | DestinationStream; /** @default 'identity-runtime' */ service?: string }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service ?? 'identity-runtime' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          '*.authorization',
          '*.client_secret',
          '*.client_assertion',
          '*.access_token',
          '*.token',
          '*.admin_token',
          '*.password',
          '*.refresh_token',
          '*.code_verifier',
          '*.id_token',
          'client_secret',
          'password',
          'refresh_token',
          'code_verifier',
          'id_token',
          'access_token',
          'token',
          'admin_token',
        ],
        censor: '[redacted]',
      },
    },
    typeof options.destination === 'number' ? pino.destination({ fd: options.destination, sync: true }) : options.destination,
  );
}
