import type { Logger } from 'pino';

/**
 * SIGTERM (Kubernetes) and SIGINT (a terminal) close gracefully: Fastify stops accepting,
 * answers 503 to new requests on open connections, and finishes in-flight ones; readiness
 * fails meanwhile, so the rolling update moves traffic away. A second signal exits at once.
 */
export function closeOnSignals(logger: Logger, close: () => Promise<void>): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
