import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { AUDIT_WRITER_QUEUE } from '../../../runtime/src/audit-writer/audit-writer';
import { TEST_AMQP_URL } from '../events/event-consumer';
import { chainAuditEvent, genesisHash } from '../../../runtime/src/audit/audit-chain';
import type { SequencedAuditEvent } from '../../../runtime/src/audit/audit-chain';
import { buildAuditEvent, opaqueId } from '../../../runtime/src/audit/audit-event';

/** A tenant id of the test's own, so runs on a shared broker or database never meet. */
export function uniqueTenant(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

/** A tenant's chain of `count` audit events, as the PostgreSQL store appends them (sequence 1..count). */
export function auditChain(tenant: string, count: number): SequencedAuditEvent[] {
  const records: SequencedAuditEvent[] = [];
  let previous = genesisHash(tenant);
  const t0 = Date.now() - count * 1000;
  for (let n = 1; n <= count; n += 1) {
    const event = chainAuditEvent(
      buildAuditEvent(
        { tenant, actor: { type: 'client', id: opaqueId('tenant-admin') }, action: 'client.created', target: { type: 'client', id: opaqueId(`c-${n}`) }, outcome: 'success', sourceIp: '198.51.100.7', requestId: `req-${n}` },
        { now: () => t0 + n * 1000 },
      ),
      previous,
    );
    records.push({ sequence: n, event });
    previous = event.hash;
  }
  return records;
}

/**
 * The entrypoint tests run the writer with its production queue names on the shared local broker;
 * afterwards those queues go when nothing waits in them (quorum queues do not support
 * delete-if-empty, so the depth is checked first).
 */
export async function removeProductionQueuesIfEmpty(): Promise<void> {
  const model = await connect(TEST_AMQP_URL);
  model.on('error', () => undefined);
  for (const queue of [AUDIT_WRITER_QUEUE, `${AUDIT_WRITER_QUEUE}.rejected`]) {
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    const depth = await channel.checkQueue(queue).then((q) => q.messageCount, () => undefined);
    if (depth === 0) await channel.deleteQueue(queue).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
  await model.close().catch(() => undefined);
}
