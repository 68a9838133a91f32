/**
 * dist/runtime/audit-writer.js as the container runs it: the esbuild bundle (runtime/build.ts),
 * started with plain node, with the MongoDB driver and amqplib inside it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { bundleRuntime } from '../../../runtime/build';
import { TEST_AMQP_URL } from '../events/event-consumer';
import { spawnEntrypoint } from '../helpers/processes';
import { removeProductionQueuesIfEmpty } from './audit-records';

describe('the audit writer bundle', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'bs-audit-bundle-'));
  let auditWriter: string;

  afterAll(removeProductionQueuesIfEmpty);

  beforeAll(async () => {
    ({ auditWriterOutfile: auditWriter } = await bundleRuntime(outdir));
  });

  test('is dist/runtime/audit-writer.js beside server.js', () => {
    expect(basename(auditWriter)).toBe('audit-writer.js');
  });

  test('starts with plain node, serves its probes and stops on SIGTERM', async () => {
    const proc = spawnEntrypoint(auditWriter, { AMQP_URL: TEST_AMQP_URL, AUDIT_MONGO_URL: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200', HOST: '127.0.0.1', PORT: '0' });
    try {
      const line = JSON.parse(await proc.waitForLine((l) => l.includes('"audit writer started"'), 30_000)) as { listening: string[] };
      const base = `http://${line.listening[0]}`;
      expect((await fetch(`${base}/healthz/live`)).status).toBe(200);
      expect((await fetch(`${base}/healthz/ready`)).status).toBe(503);
      expect(await proc.stop()).toBe(0);
    } finally {
      await proc.stop();
    }
  });

  test('refuses to start without configuration, naming the variable', async () => {
    const proc = spawnEntrypoint(auditWriter, { NODE_ENV: 'production' });
    expect(await proc.exited).toBe(78);
    expect(proc.stderr()).toMatch(/^audit writer: AMQP_URL or AMQP_URL_FILE is required/);
  });
});
