/**
 * A relay in a process of its own, so the fault test can kill it with SIGKILL (no close(), no
 * finally blocks) while it holds a batch. Env: PG_URL, PG_SCHEMA, AMQP_URL, EXCHANGE, BATCH_SIZE.
 */
import { Pool } from 'pg';
import { startEventRelay } from '../../../runtime/src/store/outbox/start-event-relay';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.PG_URL, options: `-c search_path=${process.env.PG_SCHEMA}`, max: 3 });
  const relay = await startEventRelay({
    pool,
    amqpUrl: process.env.AMQP_URL!,
    exchange: process.env.EXCHANGE,
    batchSize: Number(process.env.BATCH_SIZE ?? '10'),
    pollIntervalMs: 200,
  });
  process.stdout.write('relay started\n');
  setInterval(() => process.stdout.write(`sent ${relay.sent}\n`), 20);
}

main().catch((error) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
