/** The embedded path (`npm start`): MemoryOutbox → OutboxRelay → InProcessEventBus, same contracts as production. */
import type { EventEnvelope } from '../../../runtime/src/events/event-envelope';
import type { EventPublisher } from '../../../runtime/src/events/event-publisher';
import { InProcessEventBus } from '../../../runtime/src/events/in-process-event-bus';
import { OutboxRelay } from '../../../runtime/src/events/outbox-relay';
import { MemoryOutbox } from '../../../runtime/src/store/outbox/memory-outbox';
import { makeEvent } from './event-consumer';

function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((done, fail) => {
    const check = () => (condition() ? done() : Date.now() > deadline ? fail(new Error('condition not met in time')) : setTimeout(check, 5));
    check();
  });
}

test('an append wakes the relay at once (long poll interval), and events arrive in order', async () => {
  const outbox = new MemoryOutbox();
  const bus = new InProcessEventBus();
  const received: string[] = [];
  bus.subscribe('#', (e) => void received.push(e.id));
  const relay = new OutboxRelay({ source: outbox, publisher: bus, pollIntervalMs: 60_000, batchSize: 3 });
  await relay.start();
  try {
    const events = Array.from({ length: 7 }, () => makeEvent());
    await outbox.append(undefined, events);
    await until(() => received.length === 7);
    expect(received).toEqual(events.map((e) => e.id));
    expect(outbox.unsentCount).toBe(0);
    expect(relay.sent).toBe(7);
  } finally {
    await relay.close();
  }
});

test('a failing publisher leaves the events unsent; they are retried with backoff and delivered once it recovers', async () => {
  const outbox = new MemoryOutbox();
  const delivered: EventEnvelope[] = [];
  let failuresLeft = 3;
  let calls = 0;
  const flaky: EventPublisher = {
    async publish(events) {
      calls++;
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('broker unreachable');
      }
      delivered.push(...events);
    },
    async close() {},
  };
  const relay = new OutboxRelay({ source: outbox, publisher: flaky, pollIntervalMs: 60_000, retryBaseMs: 10, retryMaxMs: 40 });
  await relay.start();
  try {
    const events = Array.from({ length: 5 }, () => makeEvent());
    await outbox.append(undefined, events);
    await until(() => delivered.length === 5);
    expect(calls).toBe(4);
    expect(delivered.map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(outbox.unsentCount).toBe(0);
  } finally {
    await relay.close();
  }
});

test('close() stops the relay and leaves unsent events in the outbox', async () => {
  const outbox = new MemoryOutbox();
  const down: EventPublisher = {
    publish: async () => {
      throw new Error('broker unreachable');
    },
    close: async () => {},
  };
  const relay = new OutboxRelay({ source: outbox, publisher: down, retryBaseMs: 10 });
  await relay.start();
  await outbox.append(undefined, [makeEvent(), makeEvent()]);
  await new Promise((r) => setTimeout(r, 50));
  await relay.close();
  expect(outbox.unsentCount).toBe(2);
});

test('a repeated event id is refused, as the PostgreSQL primary key refuses it', async () => {
  const outbox = new MemoryOutbox();
  const event = makeEvent();
  await outbox.append(undefined, [event]);
  await expect(outbox.append(undefined, [event])).rejects.toThrow(event.id);
  expect(outbox.unsentCount).toBe(1);
});

test('invalid relay options are refused, naming the option', () => {
  expect(() => new OutboxRelay({ source: new MemoryOutbox(), publisher: new InProcessEventBus(), batchSize: 0 })).toThrow('batchSize');
});
